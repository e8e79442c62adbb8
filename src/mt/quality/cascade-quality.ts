import {
  type CascadeExample,
  type CascadeSetting,
  cascadeCurve,
  ESCALATE_ALL,
  learnCascadeThresholds,
  replayCascade,
} from '../../learn/index.js';
import type { Roundtable } from '../../runtime/roundtable.js';
import { chrfOfStatistics, chrfStatistics, corpusChrf } from '../metrics/chrf.js';
import type { QualityEstimator } from '../qe/quality-estimator.js';
import type { Tokenizer } from '../tokenizer/index.js';
import type { PromptLayout } from '../translate/prompt.js';
import { Translator } from '../translate/translator.js';
import { forEachConcurrently } from './for-each-concurrently.js';

type Sentence = { readonly source: string; readonly target: string };

export interface CascadeEngineRow {
  readonly name: string;
  readonly chrf: number;
  /** Mean compute per segment of its decode alone, ms (model runs × its median ms per run). */
  readonly computeMs: number;
  /** Median run time of one of its model runs in this run, ms. */
  readonly msPerRun: number;
  /** Mean model runs per segment (decoding steps). */
  readonly runs: number;
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
  /** Median run time of one QE batch (the cheap engine's translation), ms. */
  readonly qeMsPerBatch: number;
  /**
   * The cascade over every threshold worth having (cheapest first, each better than the cheaper),
   * compute = model runs × the engine's median ms per run (+ the QE batch): the cost model.
   */
  readonly curve: readonly CascadePoint[];
  readonly best: CascadeEngineRow;
  /** The cheapest point of the curve within 0.5 chrF of the best single engine. */
  readonly withinHalf: CascadePoint | null;
  /** withinHalf's compute per segment over the best engine's; target ≤ 0.5. */
  readonly cascadeComputeVsBest: number | null;
  /** The same ratio with each segment's own measured run times instead of the medians. */
  readonly measuredComputeVsBest: number | null;
  /** Thresholds learnt on dev for the best engine's dev chrF − 0.5, then run for real on the held-out sentences. */
  readonly learnt: {
    readonly target: number;
    readonly threshold: number;
    readonly dev: { readonly chrf: number; readonly computeMs: number };
    readonly test: CascadePoint & { readonly modelRuns: number; readonly measuredMs: number };
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
}

/** One segment decoded by every engine: what each said and what it cost. */
interface Decoded {
  readonly stages: readonly {
    readonly score: number;
    readonly stats: readonly number[];
    readonly runs: number;
    readonly ms: number;
    readonly qeMs: number;
  }[];
}

/**
 * A two-engine cascade on the synthetic pair: the cheap engine first, QE deciding per segment,
 * the costly engine for the rest. Every segment of dev and of the held-out split is decoded by
 * both engines once (with each decode's run time measured), so every threshold can be replayed;
 * the thresholds learnt on dev are then run for real, as `Translator`'s `cascade` method, on the
 * held-out sentences.
 *
 * Compute is time the actors spent running. On a busy machine one decode's time varies with what
 * else runs, so the curve prices a segment as its model runs times each engine's median time per
 * run in this run (plus the QE batch's median); the ratio with each segment's own measured times
 * is reported beside it.
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
  const collect = async (split: readonly Sentence[]): Promise<Decoded[]> => {
    const decoded: Decoded[] = new Array(split.length);
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
            stats: chrfStatistics(translation.text, [sentence.target]),
            runs: translation.modelRuns,
            ms: translation.computeMs!,
            qeMs: scored.runMs,
          };
        }),
      );
      decoded[i] = { stages };
    });
    return decoded;
  };
  const dev = await collect(options.dev);
  const test = await collect(options.test);
  const all = [...dev, ...test];
  const msPerRun = names.map((_, k) => median(all.map((d) => d.stages[k]!.ms / d.stages[k]!.runs)));
  const qeMsPerBatch = median(all.map((d) => d.stages[0]!.qeMs));
  const last = names.length - 1;
  const priced = (d: Decoded): CascadeExample => ({
    stages: d.stages.map((s, k) => ({
      score: s.score,
      stats: s.stats,
      cost: s.runs * msPerRun[k]! + (k < last ? qeMsPerBatch : 0),
    })),
  });
  const measured = (d: Decoded): CascadeExample => ({
    stages: d.stages.map((s) => ({ score: s.score, stats: s.stats, cost: s.ms + s.qeMs })),
  });
  const quality = (sums: readonly number[]) => chrfOfStatistics(sums);
  const n = options.test.length;
  const point = (s: CascadeSetting): CascadePoint => ({
    threshold: s.thresholds[0]!,
    chrf: s.quality,
    computeMs: s.cost,
    escalated: s.reached[1]! / n,
  });

  const devExamples = dev.map(priced);
  const target = Math.max(...names.map((_, k) => chrfOfSingle(devExamples, k))) - 0.5;
  const fit = learnCascadeThresholds(devExamples, { target, quality });

  const testExamples = test.map(priced);
  const engines: CascadeEngineRow[] = names.map((name, k) => {
    const runs = test.reduce((sum, d) => sum + d.stages[k]!.runs, 0) / n;
    return {
      name,
      chrf: chrfOfSingle(testExamples, k),
      computeMs: runs * msPerRun[k]!,
      msPerRun: msPerRun[k]!,
      runs,
    };
  });
  const bestIndex = engines.reduce((b, e, k) => (e.chrf > engines[b]!.chrf ? k : b), 0);
  const best = engines[bestIndex]!;
  const curve = cascadeCurve(testExamples, quality).map(point);
  const withinHalf = curve.find((p) => p.chrf >= best.chrf - 0.5) ?? null;
  const measuredExamples = test.map(measured);
  const measuredBest = test.reduce((sum, d) => sum + d.stages[bestIndex]!.ms, 0) / n;
  const measuredWithin = withinHalf
    ? replayCascade(measuredExamples, [withinHalf.threshold], quality).cost
    : undefined;

  // The learnt thresholds, run for real: escalated segments alone reach the costly engine.
  const cascade = translator(fit.thresholds);
  const answers: {
    text: string;
    priced: number;
    measuredMs: number;
    escalated: boolean;
    modelRuns: number;
  }[] = new Array(n);
  await forEachConcurrently(options.test, options.concurrency, async (sentence, i) => {
    const [t] = await cascade.translateEvery(sentence.source, ['cascade'], { useTm: false });
    const steps = t!.cascade!;
    answers[i] = {
      text: t!.text,
      priced: steps.reduce(
        (sum, step, k) =>
          sum + step.decodeRuns * msPerRun[k]! + (step.decision === 'last' ? 0 : qeMsPerBatch),
        0,
      ),
      measuredMs: t!.computeMs!,
      escalated: steps.length > 1,
      modelRuns: t!.modelRuns,
    };
  });
  const mean = (f: (a: (typeof answers)[number]) => number) =>
    answers.reduce((sum, a) => sum + f(a), 0) / n;
  return {
    engines,
    qeMsPerBatch,
    curve,
    best,
    withinHalf,
    cascadeComputeVsBest: withinHalf ? withinHalf.computeMs / best.computeMs : null,
    measuredComputeVsBest: measuredWithin !== undefined ? measuredWithin / measuredBest : null,
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
        computeMs: mean((a) => a.priced),
        measuredMs: mean((a) => a.measuredMs),
        escalated: mean((a) => (a.escalated ? 1 : 0)),
        modelRuns: mean((a) => a.modelRuns),
      },
    },
  };
}

function median(values: readonly number[]): number {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function chrfOfSingle(examples: readonly CascadeExample[], k: number): number {
  const sums = new Array<number>(examples[0]!.stages[k]!.stats.length).fill(0);
  for (const e of examples)
    e.stages[k]!.stats.forEach((v, j) => {
      sums[j]! += v;
    });
  return chrfOfStatistics(sums);
}
