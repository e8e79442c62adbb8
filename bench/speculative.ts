/**
 * Speculative decoding: tokens per second of a draft/target pair against the target alone, on
 * the generated pair of known behaviour (src/models/decoders/draft-target-pair.ts): the target
 * does many times the draft's work per call and agrees with the draft's greedy choice on a known
 * share of contexts. Same prompts, same lengths, greedy; the outputs are checked equal before
 * anything is timed, and the ways take turns (paired samples) so that a busy machine slows
 * them alike.
 *
 * The target alone runs two ways: through the same decoder actor speculation uses (the
 * headline's baseline), and on the caller's thread with the worker's own step code (no actor,
 * no messages), to say whether a plain loop would be faster. Speculation runs with k by measured
 * cost (the default) and by acceptance alone. Then where a speculative generation's time goes.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IoMetadata } from '../src/actor/protocol.js';
import type {
  DecoderActor,
  DecoderStep,
  SequenceHandle,
} from '../src/engines/decoder/decoder-actor.js';
import { decoderIo } from '../src/engines/decoder/decoder-io.js';
import { readModelFolder } from '../src/engines/decoder/model-folder.js';
import { SequenceStore } from '../src/engines/decoder/sequence-store.js';
import { argmax } from '../src/engines/decoder/token-choice.js';
import { openSession, sessionRun } from '../src/engines/onnx/direct-run.js';
import {
  targetDisagrees,
  writeDecoderFolder,
  writeDraftTargetPair,
} from '../src/models/decoders/index.js';
import type { SpeculativeTrace } from '../src/plan-runner/speculative.js';
import { speculative } from '../src/plans/builders.js';
import { Roundtable } from '../src/runtime/roundtable.js';
import type { Suite, SuiteContext, SuiteOutcome } from './suite.js';
import { budget, interleaved, median, pairedMedianUs, round } from './timing.js';

const SEED = 1;
/** A property of the generated pair: the share of (token, position) contexts where the target keeps the draft's choice. */
const AGREEMENT = 0.85;
const EXTRA_WIDTH = 2048;
const EXTRA_LAYERS = 6;
const GENERATED = 48;
const PROMPTS = [
  [1, 17, 5],
  [1, 40, 41, 42, 9],
  [1, 60, 8],
  [1, 23, 24, 25],
];
/** A vocabulary the size of a real model's (Llama's 32 000), for the cost of whole distributions. */
const WIDE_VOCAB = 32000;
const ONE_THREAD = { intraOpNumThreads: 1, logSeverityLevel: 3 } as const;

export const speculativeSuite: Suite = {
  name: 'speculative',
  title: 'Speculative decoding: tokens/s of a draft/target pair against the target alone',
  run: runSpeculative,
};

/** The target's step code on the caller's thread: what the decoder worker runs, without the actor. */
async function callerThreadTarget(folderPath: string) {
  const folder = readModelFolder(folderPath);
  // The same session and run the decoder worker uses (onnx/direct-run.ts).
  const opened = await openSession(folder.decoder, ONE_THREAD);
  const session = opened.session;
  const metadata = (list: readonly unknown[]): IoMetadata[] =>
    list.map((m) => {
      const tensor = m as { name: string; type?: string; shape?: (number | string)[] };
      return { name: tensor.name, dtype: tensor.type, shape: tensor.shape };
    });
  const io = decoderIo(
    folder.decoder,
    metadata(session.inputMetadata),
    metadata(session.outputMetadata),
  );
  const store = new SequenceStore(
    'target',
    { decoder: { session, run: sessionRun(opened) }, decoderIo: io },
    (work) => work(),
  );
  return {
    async generate(prompt: readonly number[], length: number): Promise<number[]> {
      const ids = [...prompt];
      let answer = (await store.open(1, [prompt], undefined, undefined))!;
      for (;;) {
        const token = argmax(answer.logprobs!);
        ids.push(token);
        if (ids.length >= length) break;
        answer = (await store.step(1, answer.generation, [[token]], undefined))!;
      }
      store.close(1);
      return ids;
    },
    release: () => session.release(),
  };
}

/** Share of the generated tokens chosen in a context where the pair's target keeps the draft's choice. */
function pathAgreement(outputs: readonly (readonly number[])[]): number {
  let agree = 0;
  let all = 0;
  outputs.forEach((ids, i) => {
    for (let at = PROMPTS[i]!.length; at < ids.length; at++) {
      all++;
      if (!targetDisagrees({ seed: SEED, agreement: AGREEMENT }, ids[at - 1]!, at - 1)) agree++;
    }
  });
  return agree / all;
}

async function runSpeculative(context: SuiteContext): Promise<SuiteOutcome> {
  const dir = await mkdtemp(join(tmpdir(), 'roundtable-bench-speculative-'));
  const runtime = await Roundtable.create();
  let plain: Awaited<ReturnType<typeof callerThreadTarget>> | undefined;
  try {
    const pair = await writeDraftTargetPair(dir, {
      seed: SEED,
      agreement: AGREEMENT,
      extraWidth: EXTRA_WIDTH,
      extraLayers: EXTRA_LAYERS,
      form: 'merged',
    });
    // One ONNX Runtime thread each: the pair's cost ratio, not how the cores are shared, decides.
    await runtime.spawnDecoder('draft', { folder: pair.draft, intraOpNumThreads: 1 });
    await runtime.spawnDecoder('target', { folder: pair.target, intraOpNumThreads: 1 });
    plain = await callerThreadTarget(pair.target);
    const plan = speculative({ name: 'bench', draft: 'draft', target: 'target' });
    const options = (prompt: readonly number[]) => ({
      maxLength: prompt.length + GENERATED,
      eos: [] as number[],
    });
    const alone = async () => {
      const out: number[][] = [];
      for (const prompt of PROMPTS) {
        out.push((await runtime.generate('target', prompt, options(prompt)))[0]!.ids);
      }
      return out;
    };
    const onCallerThread = async () => {
      const out: number[][] = [];
      for (const prompt of PROMPTS)
        out.push(await plain!.generate(prompt, prompt.length + GENERATED));
      return out;
    };
    const traces: Record<'cost' | 'acceptance', SpeculativeTrace[]> = { cost: [], acceptance: [] };
    const speculating = (by: 'cost' | 'acceptance') => async () => {
      const out: number[][] = [];
      for (const prompt of PROMPTS) {
        const result = await runtime.speculate(plan, prompt, {
          ...options(prompt),
          adaptive: { by },
        });
        traces[by].push(result.trace);
        out.push(result.ids);
      }
      return out;
    };

    context.log('speculative: checking every way gives the same tokens');
    const reference = await alone();
    for (const [name, way] of [
      ['the caller-thread loop', onCallerThread],
      ['speculation (k by cost)', speculating('cost')],
      ['speculation (k by acceptance)', speculating('acceptance')],
    ] as const) {
      const checked = await way();
      reference.forEach((ids, i) => {
        if (ids.join() !== checked[i]!.join()) {
          throw new Error(
            `speculative: ${name} gave other tokens than the target alone (prompt ${i})`,
          );
        }
      });
    }
    const agreement = pathAgreement(reference);

    context.log('speculative: the calls a round is made of');
    // A decoder of a real model's vocabulary, to see what answering whole distributions costs.
    const wideFolder = join(dir, 'wide');
    await writeDecoderFolder(wideFolder, { seed: SEED, vocab: WIDE_VOCAB, form: 'merged' });
    await runtime.spawnDecoder('wide', { folder: wideFolder, intraOpNumThreads: 1 });
    const calls = await callCosts(runtime);
    await runtime.decoder('wide')!.close();

    context.log('speculative: the target alone and speculation in turns');
    traces.cost.length = 0;
    traces.acceptance.length = 0;
    const [byTarget, byCallerThread, byCost, byAcceptance] = await interleaved(
      [alone, onCallerThread, speculating('cost'), speculating('acceptance')],
      budget(context, { timeMs: 8000, warmupMs: 500, minSamples: 6 }, { timeMs: 2500 }),
      // The order is drawn afresh each turn: the way after another runs on the cache it left.
      { shuffled: 61 },
    );
    const tokens = PROMPTS.length * GENERATED;
    const tps = (timing: { p50Us: number }) => tokens / (timing.p50Us / 1e6);
    const speedup = byTarget!.p50Us / byCost!.p50Us;
    const pairedSavingMs = -pairedMedianUs(byTarget!, byCost!) / 1000;
    const summary = (list: readonly SpeculativeTrace[]) => {
      const sum = (f: (t: SpeculativeTrace) => number) => list.reduce((a, t) => a + f(t), 0);
      const ks = list.flatMap((t) => t.ks);
      const judged = median(list.map((t) => t.acceptanceRate));
      return {
        judged,
        perProposal: sum((t) => t.accepted) / sum((t) => t.proposed),
        meanK: ks.reduce((a, b) => a + b, 0) / ks.length,
        perTargetCall: (list.length * GENERATED) / sum((t) => t.targetSteps),
        rounds: sum((t) => t.rounds) / list.length,
        draftCalls: sum((t) => t.draftCalls) / list.length,
        draftSteps: sum((t) => t.draftSteps) / list.length,
        targetCalls: sum((t) => t.targetSteps) / list.length,
        // Per generation, on the caller's clock.
        totalMs: sum((t) => t.ms.total) / list.length,
        draftMs: sum((t) => t.ms.draft) / list.length,
        targetMs: sum((t) => t.ms.target) / list.length,
      };
    };
    const cost = summary(traces.cost);
    const acceptance = summary(traces.acceptance);
    const wayRow = (
      way: string,
      timing: { p50Us: number; samples: number },
      s?: ReturnType<typeof summary>,
    ) => [
      way,
      round(tps(timing)),
      round(timing.p50Us / 1000),
      timing.samples,
      round(byTarget!.p50Us / timing.p50Us),
      s ? round(s.judged) : null,
      s ? round(s.perProposal) : null,
      s ? round(s.meanK) : null,
      s ? round(s.perTargetCall) : null,
    ];
    const gen = (ms: number) => round(ms);
    return {
      tables: [
        {
          title: `Greedy generation of ${GENERATED} tokens × ${PROMPTS.length} prompts, generated pair (agreement ${AGREEMENT} of contexts, target extra width ${EXTRA_WIDTH} × ${EXTRA_LAYERS + 1} layers)`,
          columns: [
            'way',
            'tokens/s',
            'ms per generation set (p50)',
            'samples',
            'speed-up over the target actor',
            'acceptance (accepted / judged)',
            'accepted / proposed',
            'mean k',
            'tokens per target call',
          ],
          rows: [
            wayRow('target alone, decoder actor (baseline)', byTarget!),
            wayRow('target alone, its step code on the caller’s thread', byCallerThread!),
            wayRow('speculative, k by measured cost (default)', byCost!, cost),
            wayRow('speculative, k by acceptance alone', byAcceptance!, acceptance),
          ],
          note:
            `Every way gives the same tokens (checked before timing). They took turns, one set of ` +
            `${PROMPTS.length} generations each; paired median saving of the default over the baseline ` +
            `${round(pairedSavingMs)} ms per set. On the tokens generated, the target keeps the draft's ` +
            `choice in ${round(agreement)} of contexts (the pair's share: ${AGREEMENT}).`,
        },
        {
          title: 'Where one speculative generation’s time goes (k by cost; means per generation)',
          columns: ['part', 'ms', 'calls', 'per call (ms)'],
          rows: [
            ['whole generation', gen(cost.totalMs), null, null],
            [
              'waiting on the target (open + verifying steps)',
              gen(cost.targetMs),
              round(cost.targetCalls),
              round(cost.targetMs / cost.targetCalls),
            ],
            [
              `waiting on the draft (proposals; ${round(cost.draftSteps)} model steps)`,
              gen(cost.draftMs),
              round(cost.draftCalls - 1),
              round(cost.draftMs / Math.max(1, cost.draftCalls - 1)),
            ],
            [
              'the caller’s own work (choosing, judging, closing)',
              gen(cost.totalMs - cost.targetMs - cost.draftMs),
              round(cost.rounds),
              round((cost.totalMs - cost.targetMs - cost.draftMs) / cost.rounds),
            ],
          ],
          note:
            'The draft opens beside the target, so its open is in the target’s time. One round = one ' +
            'draft message (rewind + catch-up + k proposals) and one target message (rewind + k + 1 ' +
            'positions scored, best token each).',
        },
        {
          title: 'The calls a round is made of (medians of 30, through the actors)',
          columns: ['call', 'ms'],
          rows: Object.entries(calls).map(([call, ms]) => [call, round(ms)]),
          note: 'Each decoder call crosses to its worker and back; the caller-thread column of the first table shows what that crossing costs over 48 steps.',
        },
      ],
      charts: [],
      samples: {
        speculative_speedup_vs_target: Math.min(byTarget!.samples, byCost!.samples),
        speculative_speedup_vs_caller_thread_loop: Math.min(
          byCallerThread!.samples,
          byCost!.samples,
        ),
        speculative_speedup_by_acceptance_k: Math.min(byTarget!.samples, byAcceptance!.samples),
      },
      figures: {
        speculative_speedup_vs_target: speedup,
        speculative_speedup_vs_caller_thread_loop: byCallerThread!.p50Us / byCost!.p50Us,
        speculative_speedup_by_acceptance_k: byTarget!.p50Us / byAcceptance!.p50Us,
        speculative_acceptance_rate: cost.judged,
        speculative_accepted_per_proposed: cost.perProposal,
        speculative_path_agreement: agreement,
        speculative_mean_k: cost.meanK,
        speculative_tokens_per_target_call: cost.perTargetCall,
        speculative_target_step_vs_draft_step:
          calls['target step, 1 position']! / calls['draft step, 1 position']!,
      },
      notes: [
        'The target of the generated pair does its extra work once per call, whatever the number ' +
          'of positions appended (the weights read once, as in a large model whose step is bound ' +
          'by memory): scoring k proposals costs about one step.',
        'Acceptance is accepted / judged: the target judges proposals in order up to the first it ' +
          'rejects, so this is the per-token agreement the ≥ 70 % condition is about; accepted / ' +
          'proposed also counts the proposals after a rejection, never judged, and falls as k grows.',
      ],
    };
  } finally {
    await plain?.release();
    await runtime.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Median ms of the calls a round is made of, each through its actor. */
async function callCosts(runtime: Roundtable): Promise<Record<string, number>> {
  const draft = runtime.decoder('draft')!;
  const target = runtime.decoder('target')!;
  const wide = runtime.decoder('wide')!;
  const five = [7, 8, 9, 10, 11];
  const long = Array.from({ length: 12 }, (_, i) => 20 + i);
  /**
   * Median ms of `call` over 30 calls (after one unmeasured), each on a sequence of the long
   * prompt stepped by `prepare` first (unmeasured).
   */
  const times = async (
    decoder: DecoderActor,
    call: (handle: SequenceHandle) => Promise<unknown>,
    prepare?: (handle: SequenceHandle) => Promise<SequenceHandle>,
  ) => {
    const list: number[] = [];
    for (let i = 0; i < 31; i++) {
      let handle = (await decoder.open(long)).sequence;
      if (prepare) handle = await prepare(handle);
      const start = performance.now();
      const out = (await call(handle)) as DecoderStep | SequenceHandle;
      if (i > 0) list.push(performance.now() - start);
      await decoder.closeSequence('sequence' in out ? out.sequence : out);
    }
    return median(list);
  };
  const stepped = (decoder: DecoderActor) => async (handle: SequenceHandle) =>
    (await decoder.step(handle, [five], { topK: 1 })).sequence;
  return {
    'target step, 1 position': await times(target, (h) => target.step(h, [7])),
    'target step, 5 positions, every distribution': await times(target, (h) =>
      target.step(h, [five], { positions: 'all' }),
    ),
    'target step, 5 positions, best token each': await times(target, (h) =>
      target.step(h, [five], { positions: 'all', topK: 1 }),
    ),
    'target step, 5 positions, best token each, after a rewind of 3 in the same message':
      await times(
        target,
        (h) => target.step(h, [five], { positions: 'all', topK: 1, rewind: 3 }),
        stepped(target),
      ),
    'target rewind of 3, a message of its own': await times(
      target,
      (h) => target.rewind(h, 3),
      stepped(target),
    ),
    'draft step, 1 position': await times(draft, (h) => draft.step(h, [7])),
    'draft: 4 proposals, one message': await times(draft, (h) =>
      draft.propose(h, [7], { count: 4 }),
    ),
    'draft: 4 steps, one message each': await times(draft, async (h) => {
      let step = await draft.step(h, [7]);
      for (let j = 0; j < 3; j++) step = await draft.step(step.sequence, [argmax(step.logprobs!)]);
      return step;
    }),
    'draft rewind of 3, a message of its own': await times(
      draft,
      (h) => draft.rewind(h, 3),
      stepped(draft),
    ),
    [`vocabulary ${WIDE_VOCAB}: step, 5 positions, every distribution, best of each on the caller`]:
      await times(wide, async (h) => {
        const step = await wide.step(h, [five], { positions: 'all' });
        for (let j = 0; j < five.length; j++) {
          argmax(step.logprobs!.subarray(j * WIDE_VOCAB, (j + 1) * WIDE_VOCAB));
        }
        return step;
      }),
    [`vocabulary ${WIDE_VOCAB}: step, 5 positions, best token each`]: await times(wide, (h) =>
      wide.step(h, [five], { positions: 'all', topK: 1 }),
    ),
  };
}
