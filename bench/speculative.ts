/**
 * Speculative decoding: tokens per second of a draft/target pair against the target alone, on
 * the generated pair of known behaviour (src/models/decoders/draft-target-pair.ts): the target
 * does many times the draft's work per call and agrees with the draft's greedy choice on a known
 * share of contexts. Same prompts, same lengths, greedy; the outputs are checked equal before
 * anything is timed, and the two ways take turns (paired samples) so that a busy machine slows
 * both alike.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeDraftTargetPair } from '../src/models/decoders/index.js';
import type { SpeculativeTrace } from '../src/plan-runner/speculative.js';
import { speculative } from '../src/plans/builders.js';
import { Roundtable } from '../src/runtime/roundtable.js';
import type { Suite, SuiteContext, SuiteOutcome } from './suite.js';
import { budget, interleaved, median, pairedMedianUs, round } from './timing.js';

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

export const speculativeSuite: Suite = {
  name: 'speculative',
  title: 'Speculative decoding: tokens/s of a draft/target pair against the target alone',
  run: runSpeculative,
};

async function runSpeculative(context: SuiteContext): Promise<SuiteOutcome> {
  const dir = await mkdtemp(join(tmpdir(), 'roundtable-bench-speculative-'));
  const runtime = await Roundtable.create();
  try {
    const pair = await writeDraftTargetPair(dir, {
      seed: 1,
      agreement: AGREEMENT,
      extraWidth: EXTRA_WIDTH,
      extraLayers: EXTRA_LAYERS,
      form: 'merged',
    });
    // One ONNX Runtime thread each: the pair's cost ratio, not how the cores are shared, decides.
    await runtime.spawnDecoder('draft', { folder: pair.draft, intraOpNumThreads: 1 });
    await runtime.spawnDecoder('target', { folder: pair.target, intraOpNumThreads: 1 });
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
    const traces: SpeculativeTrace[] = [];
    const speculating = async () => {
      const out: number[][] = [];
      for (const prompt of PROMPTS) {
        const result = await runtime.speculate(plan, prompt, options(prompt));
        traces.push(result.trace);
        out.push(result.ids);
      }
      return out;
    };

    context.log('speculative: checking both give the same tokens');
    const [reference, checked] = [await alone(), await speculating()];
    reference.forEach((ids, i) => {
      if (ids.join() !== checked[i]!.join()) {
        throw new Error(`speculative: prompt ${i} gave other tokens than the target alone`);
      }
    });

    context.log('speculative: one target step, one draft step');
    const stepMs = async (name: 'draft' | 'target') => {
      const decoder = runtime.decoder(name)!;
      const times: number[] = [];
      let handle = (await decoder.open(PROMPTS[0]!)).sequence;
      for (let i = 0; i < 30; i++) {
        const start = performance.now();
        handle = (await decoder.step(handle, [7])).sequence;
        times.push(performance.now() - start);
      }
      await decoder.closeSequence(handle);
      return median(times);
    };
    const targetStep = await stepMs('target');
    const draftStep = await stepMs('draft');

    context.log('speculative: target alone and speculation in turns');
    traces.length = 0;
    const [byTarget, bySpeculation] = await interleaved(
      [alone, speculating],
      budget(context, { timeMs: 8000, warmupMs: 500, minSamples: 6 }, { timeMs: 2500 }),
    );
    const tokens = PROMPTS.length * GENERATED;
    const targetTps = tokens / (byTarget!.p50Us / 1e6);
    const speculativeTps = tokens / (bySpeculation!.p50Us / 1e6);
    const speedup = byTarget!.p50Us / bySpeculation!.p50Us;
    const pairedSavingMs = -pairedMedianUs(byTarget!, bySpeculation!) / 1000;
    const proposed = traces.reduce((sum, t) => sum + t.proposed, 0);
    const accepted = traces.reduce((sum, t) => sum + t.accepted, 0);
    const acceptance = median(traces.map((t) => t.acceptanceRate));
    const allKs = traces.flatMap((t) => t.ks);
    const meanK = allKs.reduce((a, b) => a + b, 0) / allKs.length;
    const perTargetCall = median(traces.map((t) => t.tokensPerTargetCall));
    return {
      tables: [
        {
          title: `Greedy generation of ${GENERATED} tokens × ${PROMPTS.length} prompts, generated pair (agreement ${AGREEMENT}, target extra width ${EXTRA_WIDTH} × ${EXTRA_LAYERS + 1} layers)`,
          columns: ['way', 'tokens/s', 'ms per generation set (p50)', 'samples'],
          rows: [
            ['target alone', round(targetTps), round(byTarget!.p50Us / 1000), byTarget!.samples],
            [
              'speculative (draft proposes, target verifies)',
              round(speculativeTps),
              round(bySpeculation!.p50Us / 1000),
              bySpeculation!.samples,
            ],
          ],
          note:
            `Both ways give the same tokens (checked before timing). They took turns, one set of ` +
            `${PROMPTS.length} generations each; paired median saving ${round(pairedSavingMs)} ms per set. ` +
            `Speculation: acceptance rate ${round(acceptance)} (accepted / judged, median over generations), ` +
            `${accepted} of ${proposed} proposals kept, mean k ${round(meanK)}, ` +
            `${round(perTargetCall)} tokens per target call. One step alone: target ${round(targetStep)} ms, ` +
            `draft ${round(draftStep)} ms (median of 30, actor round trip included).`,
        },
      ],
      charts: [],
      samples: {
        speculative_speedup_vs_target: Math.min(byTarget!.samples, bySpeculation!.samples),
      },
      figures: {
        speculative_speedup_vs_target: speedup,
        speculative_acceptance_rate: acceptance,
        speculative_mean_k: meanK,
        speculative_tokens_per_target_call: perTargetCall,
        speculative_target_step_vs_draft_step: targetStep / draftStep,
      },
      notes: [
        'The target of the generated pair does its extra work once per call, whatever the number ' +
          'of positions appended (the weights read once, as in a large model whose step is bound ' +
          'by memory): scoring k proposals costs about one step.',
      ],
    };
  } finally {
    await runtime.close();
    await rm(dir, { recursive: true, force: true });
  }
}
