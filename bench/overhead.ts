/**
 * Overhead: one model behind a roundtable model actor beside `session.run` on the calling thread,
 * at three sizes (`MODEL_SIZES` tiny ≈ 0.05 ms, small ≈ 1 ms, medium ≈ 5 ms). The actor is asked
 * the way a user asks it: `actor.run` with host tensors (the runtime writes them into the arena
 * and reads the outputs back). `actor.runShared`, with the feed already in the arena, is shown too,
 * and so is the hand-written worker (bench/hand-worker.ts) on the same model: the least a user
 * must write to move the model off the calling thread, so its overhead is the floor a worker pays
 * on this machine. All use one intra-op and one inter-op thread, the actor's default. The four
 * take turns, one call each in an order drawn afresh each turn, so that outside load falls on all
 * alike and none always runs right after the same other (`interleaved`, shuffled).
 */
import * as ort from 'onnxruntime-node';
import { MODEL_SIZES, type ModelSizeName, sizedModel } from '../src/models/index.js';
import { Roundtable } from '../src/runtime/roundtable.js';
import { HandWorker } from './hand-worker.js';
import { ONE_THREAD, seededFloats } from './models.js';
import type { Suite, SuiteContext, SuiteOutcome } from './suite.js';
import { budget, interleaved, pairedMedianUs, round, type Timing } from './timing.js';

const SIZES: readonly ModelSizeName[] = ['tiny', 'small', 'medium'];

export const overhead: Suite = {
  name: 'overhead',
  title: 'Overhead: one model actor beside session.run on the calling thread',
  run: runOverhead,
};

interface Row {
  readonly size: ModelSizeName;
  readonly direct: Timing;
  readonly actor: Timing;
  readonly shared: Timing;
  readonly byHand: Timing;
}

async function runOverhead(context: SuiteContext): Promise<SuiteOutcome> {
  const runtime = await Roundtable.create();
  const limits = budget(context, { timeMs: 2000, minSamples: 64 }, { timeMs: 500, minSamples: 32 });
  const rows: Row[] = [];
  try {
    for (const size of SIZES) {
      const shape = MODEL_SIZES[size];
      const bytes = sizedModel({ seed: 21, ...shape }).bytes;
      const dims = [1, shape.width];
      const data = seededFloats(6, shape.width);
      const session = await ort.InferenceSession.create(bytes, ONE_THREAD);
      const actor = await runtime.spawnModel(`overhead-${size}`, { model: bytes });
      const feed = runtime.arena.writeTensor('float32', dims, data);
      const hand = await HandWorker.start(bytes, 'input', 'output');
      try {
        context.log(
          `overhead: ${size}, session.run, actor.run, actor.runShared and a hand-written worker in turn`,
        );
        const [direct, viaActor, viaShared, byHand] = await interleaved(
          [
            () => session.run({ input: new ort.Tensor('float32', data, dims) }),
            () => actor.run({ input: { dtype: 'float32', dims, data } }),
            async () => {
              const result = await actor.runShared({ input: feed });
              for (const name in result.outputs) runtime.arena.release(result.outputs[name]!);
            },
            () => hand.ask(data, dims),
          ],
          limits,
          { shuffled: 21 },
        );
        rows.push({
          size,
          direct: direct!,
          actor: viaActor!,
          shared: viaShared!,
          byHand: byHand!,
        });
      } finally {
        runtime.arena.release(feed);
        await session.release();
        await hand.close();
      }
    }
  } finally {
    await runtime.close();
  }

  const of = (size: ModelSizeName) => rows.find((r) => r.size === size)!;
  const extraUs = (r: Row, t: Timing) => t.p50Us - r.direct.p50Us;
  const extraFraction = (r: Row, t: Timing) => t.p50Us / r.direct.p50Us - 1;
  return {
    tables: [
      {
        title: 'One model: actor beside session.run on the calling thread (p50, µs)',
        columns: [
          'model',
          'session.run µs',
          'actor.run µs',
          'overhead µs',
          'overhead %',
          'actor.runShared µs',
          'overhead µs (runShared)',
          'paired median overhead µs (actor.run)',
          'hand-written worker µs',
          'overhead µs (hand-written)',
          'overhead % (hand-written)',
          'p99: session.run / actor.run / hand-written µs',
        ],
        rows: rows.map((r) => [
          `${r.size} (${MODEL_SIZES[r.size].width} wide, ${MODEL_SIZES[r.size].layers} layers)`,
          round(r.direct.p50Us),
          round(r.actor.p50Us),
          round(extraUs(r, r.actor)),
          round(extraFraction(r, r.actor) * 100),
          round(r.shared.p50Us),
          round(extraUs(r, r.shared)),
          round(pairedMedianUs(r.direct, r.actor)),
          round(r.byHand.p50Us),
          round(extraUs(r, r.byHand)),
          round(extraFraction(r, r.byHand) * 100),
          `${round(r.direct.p99Us)} / ${round(r.actor.p99Us)} / ${round(r.byHand.p99Us)}`,
        ]),
        note:
          'Overhead = actor p50 − session.run p50; the four calls took turns, one each in an ' +
          'order drawn afresh each turn, so that other work on the machine fell on all alike. The ' +
          'paired median is the median, over the turns, of actor.run − session.run within one ' +
          'turn, which drifts of the machine between turns do not move. The hand-written ' +
          "worker's overhead is what moving the model off the calling thread costs without " +
          'roundtable: the floor on this machine. The overhead buys a free event loop: ' +
          'session.run on the calling thread blocks it for the whole inference (see the ' +
          'ensemble suite).',
      },
    ],
    charts: [
      {
        file: 'overhead.svg',
        title: 'Actor overhead over session.run, p50 (µs, lower is better)',
        unit: 'µs',
        bars: rows.map((r) => ({
          label: `${r.size} model (${round(r.direct.p50Us / 1000)} ms)`,
          value: round(extraUs(r, r.actor)),
        })),
      },
    ],
    figures: {
      overhead_5ms_model: extraFraction(of('medium'), of('medium').actor),
      overhead_tiny_model_us: extraUs(of('tiny'), of('tiny').actor),
      overhead_1ms_model: extraFraction(of('small'), of('small').actor),
      overhead_5ms_model_paired:
        pairedMedianUs(of('medium').direct, of('medium').actor) / of('medium').direct.p50Us,
      overhead_tiny_model_us_paired: pairedMedianUs(of('tiny').direct, of('tiny').actor),
      overhead_5ms_by_hand: extraFraction(of('medium'), of('medium').byHand),
      overhead_tiny_by_hand_us: extraUs(of('tiny'), of('tiny').byHand),
      medium_model_session_run_ms: of('medium').direct.p50Us / 1000,
    },
    samples: {
      overhead_5ms_model: of('medium').actor.samples + of('medium').direct.samples,
      overhead_tiny_model_us: of('tiny').actor.samples + of('tiny').direct.samples,
    },
    notes: [
      'One model behind a model actor (`actor.run` with host tensors, as a user calls it; ' +
        '`actor.runShared` with the feed already in the arena) and behind a hand-written worker, ' +
        'beside `session.run` on the calling thread, at three sizes. All use one intra-op and ' +
        'one inter-op thread.',
    ],
  };
}
