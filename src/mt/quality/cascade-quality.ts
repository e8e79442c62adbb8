import {
  type CascadeExample,
  type CascadeSetting,
  cascadeCurve,
  ESCALATE_ALL,
  learnCascadeThresholds,
} from '../../fusion/learn/index.js';
import type { Roundtable } from '../../runtime/roundtable.js';
import { chrfOfStatistics, chrfStatistics, corpusChrf } from '../metrics/index.js';
import type { QualityEstimator } from '../qe/quality-estimator.js';
import type { Tokenizer } from '../tokenizer/index.js';
import type { PromptLayout } from '../translate/prompt.js';
import { Translator } from '../translate/translator.js';
import { forEachConcurrently } from './for-each-concurrently.js';

type Sentence = { readonly source: string; readonly target: string };

export interface CascadeEngineRow {
  readonly name: string;
  readonly chrf: number;
  /** Mean actor run time per segment of its decode, ms. */
  readonly computeMs: number;
}

export interface CascadePoint {
  /** The cheap engine's answer stands when QE ≥ this. */
  readonly threshold: number;
  readonly chrf: number;
  /** Mean per segment: the cheap decode, its QE batch, and the costly decode where escalated. */
  readonly computeMs: number;
  /** Share of segments escalated to the costly engine. */
  readonly escalated: number;
}

export interface CascadeQualityReport {
  /** Cheapest first, each alone on the held-out sentences. */
  readonly engines: readonly CascadeEngineRow[];
  /** Mean run time of one QE batch (the cheap engine's translation), ms per segment. */
  readonly qeComputeMs: number;
  /** The cascade over every threshold worth having (cheapest first, each better than the cheaper). */
  readonly curve: readonly CascadePoint[];
  readonly best: CascadeEngineRow;
  /** The cheapest point of the curve within 0.5 chrF of the best single engine. */
  readonly withinHalf: CascadePoint | null;
  /** withinHalf's compute per segment over the best engine's; target ≤ 0.5. */
  readonly cascadeComputeVsBest: number | null;
  /** Thresholds learnt on dev for the best engine's dev chrF − 0.5, then run for real on the held-out sentences. */
  readonly learnt: {
    readonly target: number;
    readonly threshold: number;
    readonly dev: { readonly chrf: number; readonly computeMs: number };
    readonly test: CascadePoint & { readonly modelRuns: number };
  };
}

export interface CascadeQualityOptions {
  readonly runtime: Roundtable;
  readonly tokenizer: Tokenizer;
  readonly layout: PromptLayout;
  readonly context: number;
  readonly maxLength: number;
  readonly beamWidth: number;
  readonly qe: QualityEstimator;
  /** Model actors, cheapest first, with their calibrated temperatures. */
  readonly engines: readonly { readonly name: string; readonly temperature: number }[];
  readonly dev: readonly Sentence[];
  readonly test: readonly Sentence[];
  readonly concurrency: number;
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * A two-engine cascade on the synthetic pair: the cheap engine first, QE deciding per segment,
 * the costly engine for the rest. Every segment of dev and of the held-out split is decoded by
 * both engines once (with each decode's run time measured), so every threshold can be replayed;
 * the thresholds learnt on dev are then run for real, as `Translator`'s `cascade` method, on the
 * held-out sentences.
 */
export async function measureCascade(
  options: CascadeQualityOptions,
): Promise<CascadeQualityReport> {
  const names = options.engines.map((e) => e.name);
  const translator = (thresholds: readonly number[]) =>
    new Translator({
      runtime: options.runtime,
      tokenizer: options.tokenizer,
      layout: options.layout,
      context: options.context,
      maxLength: options.maxLength,
      engines: names,
      fusion: { temperatures: options.engines.map((e) => e.temperature) },
      beamWidth: options.beamWidth,
      qe: options.qe,
      cascade: { engines: names.map((_, k) => k), thresholds },
    });
  const probe = translator(names.slice(1).map(() => ESCALATE_ALL));
  const total = options.dev.length + 2 * options.test.length;
  let done = 0;
  const progress = () => options.onProgress?.(++done, total);
  const collect = async (split: readonly Sentence[]) => {
    const examples: CascadeExample[] = new Array(split.length);
    const qeMs: number[] = new Array(split.length);
    await forEachConcurrently(split, options.concurrency, async (sentence, i) => {
      const alone = await probe.translateEvery(
        sentence.source,
        names.map((_, k) => `engine:${k}` as const),
        { useTm: false },
      );
      const source = options.tokenizer.encode(sentence.source);
      const stages = await Promise.all(
        alone.map(async (translation, k) => {
          const last = k === alone.length - 1;
          const scored = last
            ? { scores: [{ mean: Number.NaN }], runMs: 0 }
            : await options.qe.scoreWithCost(source, [translation.tokens]);
          return {
            score: scored.scores[0]!.mean,
            cost: translation.computeMs! + scored.runMs,
            stats: chrfStatistics(translation.text, [sentence.target]),
          };
        }),
      );
      examples[i] = { stages };
      qeMs[i] = stages[0]!.cost - alone[0]!.computeMs!;
      progress();
    });
    return { examples, qeMs };
  };
  const quality = (sums: readonly number[]) => chrfOfStatistics(sums);
  const point = (s: CascadeSetting, segments: number): CascadePoint => ({
    threshold: s.thresholds[0]!,
    chrf: s.quality,
    computeMs: s.cost,
    escalated: s.reached[1]! / segments,
  });

  const dev = await collect(options.dev);
  const devBest = Math.max(...names.map((_, k) => chrfOfSingle(dev.examples, k)));
  const target = devBest - 0.5;
  const fit = learnCascadeThresholds(dev.examples, { target, quality });

  const test = await collect(options.test);
  const n = options.test.length;
  const engines: CascadeEngineRow[] = names.map((name, k) => ({
    name,
    chrf: chrfOfSingle(test.examples, k),
    computeMs:
      test.examples.reduce(
        (sum, e, i) => sum + e.stages[k]!.cost - (k === 0 ? test.qeMs[i]! : 0),
        0,
      ) / n,
  }));
  const best = engines.reduce((a, b) => (b.chrf > a.chrf ? b : a));
  const curve = cascadeCurve(test.examples, quality).map((s) => point(s, n));
  const withinHalf = curve.find((p) => p.chrf >= best.chrf - 0.5) ?? null;

  // The learnt thresholds, run for real: escalated segments alone reach the costly engine.
  const cascade = translator(fit.thresholds);
  const answers: { text: string; computeMs: number; escalated: boolean; modelRuns: number }[] =
    new Array(n);
  await forEachConcurrently(options.test, options.concurrency, async (sentence, i) => {
    const [t] = await cascade.translateEvery(sentence.source, ['cascade'], { useTm: false });
    answers[i] = {
      text: t!.text,
      computeMs: t!.computeMs!,
      escalated: t!.cascade!.length > 1,
      modelRuns: t!.modelRuns,
    };
    progress();
  });
  const mean = (f: (a: (typeof answers)[number]) => number) =>
    answers.reduce((sum, a) => sum + f(a), 0) / n;
  return {
    engines,
    qeComputeMs: test.qeMs.reduce((a, b) => a + b, 0) / n,
    curve,
    best,
    withinHalf,
    cascadeComputeVsBest: withinHalf ? withinHalf.computeMs / best.computeMs : null,
    learnt: {
      target,
      threshold: fit.thresholds[0]!,
      dev: { chrf: fit.quality, computeMs: fit.cost },
      test: {
        threshold: fit.thresholds[0]!,
        chrf: corpusChrf(
          answers.map((a) => a.text),
          [options.test.map((s) => s.target)],
        ).score,
        computeMs: mean((a) => a.computeMs),
        escalated: mean((a) => (a.escalated ? 1 : 0)),
        modelRuns: mean((a) => a.modelRuns),
      },
    },
  };
}

function chrfOfSingle(examples: readonly CascadeExample[], k: number): number {
  const sums = new Array<number>(examples[0]!.stages[k]!.stats.length).fill(0);
  for (const e of examples)
    e.stages[k]!.stats.forEach((v, j) => {
      sums[j]! += v;
    });
  return chrfOfStatistics(sums);
}
