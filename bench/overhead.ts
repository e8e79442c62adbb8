/**
 * Overhead: one model behind a roundtable model actor beside `session.run` on the calling thread,
 * at three sizes (`MODEL_SIZES` tiny ≈ 0.05 ms, small ≈ 1 ms, medium ≈ 5 ms). The actor is asked
 * the way a user asks it: `actor.run` with host tensors (the runtime writes them into the arena
 * and reads the outputs back). `actor.runShared`, with the feed already in the arena, is shown too.
 * Both sides use one intra-op and one inter-op thread, the actor's default. The three take turns,
 * one call each, so that outside load falls on all three alike.
 */
import * as ort from 'onnxruntime-node';
import { MODEL_SIZES, type ModelSizeName, sizedModel } from '../src/models/index.js';
import { Roundtable } from '../src/runtime/roundtable.js';
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
      try {
        context.log(`overhead: ${size}, session.run, actor.run and actor.runShared in turn`);
        const [direct, viaActor, viaShared] = await interleaved(
          [
            () => session.run({ input: new ort.Tensor('float32', data, dims) }),
            () => actor.run({ input: { dtype: 'float32', dims, data } }),
            async () => {
              const result = await actor.runShared({ input: feed });
              for (const name in result.outputs) runtime.arena.release(result.outputs[name]!);
            },
          ],
          limits,
        );
        rows.push({ size, direct: direct!, actor: viaActor!, shared: viaShared! });
      } finally {
        runtime.arena.release(feed);
        await session.release();
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
          'p99: session.run / actor.run µs',
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
          `${round(r.direct.p99Us)} / ${round(r.actor.p99Us)}`,
        ]),
        note:
          'Overhead = actor p50 − session.run p50; the three calls took turns, one each, so that ' +
          'other work on the machine fell on all three alike. The paired median is the median, ' +
          'over the turns, of actor.run − session.run within one turn, which drifts of the ' +
          'machine between turns do not move. The overhead buys a free event loop: session.run ' +
          'on the calling thread blocks it for the whole inference (see the ensemble suite).',
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
      medium_model_session_run_ms: of('medium').direct.p50Us / 1000,
    },
    samples: {
      overhead_5ms_model: of('medium').actor.samples + of('medium').direct.samples,
      overhead_tiny_model_us: of('tiny').actor.samples + of('tiny').direct.samples,
    },
    notes: [
      'One model behind a model actor (`actor.run` with host tensors, as a user calls it; ' +
        '`actor.runShared` with the feed already in the arena) beside `session.run` on the calling ' +
        'thread, at three sizes. Both sides use one intra-op and one inter-op thread.',
    ],
  };
}
