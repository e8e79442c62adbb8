import {
  type CascadeExample,
  type CascadeSetting,
  cascadeCurve,
  ESCALATE_ALL,
  learnCascadeThresholds,
  replayCascade,
} from '../../learn/index.js';
import { fitCascadeScorer } from '../../learn/learn-cascade-scorer.js';
import type { Roundtable } from '../../runtime/roundtable.js';
import { chrfOfStatistics, chrfStatistics, corpusChrf } from '../metrics/chrf.js';
import type { QualityEstimator } from '../qe/quality-estimator.js';
import type { TmActor } from '../tm-actor/tm-actor-client.js';
import type { Tokenizer } from '../tokenizer/index.js';
import {
  CASCADE_SIGNALS,
  type CascadeScorer,
  type CascadeSignal,
  type CascadeSignalValues,
  cascadeScore,
  decodeSignals,
  QE_SIGNALS,
  qeSignals,
  runnerUp,
  scorerNeedsQe,
  scorerNeedsRunnerUp,
} from '../translate/cascade-signals.js';
import type { PromptLayout } from '../translate/prompt.js';
import { runTime } from '../translate/shared-work.js';
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

/** One way to decide, measured: its curve on the held-out sentences and its threshold learnt on dev. */
export interface CascadeSignalReport {
  /** A signal, `combined` (logistic fit on dev of the engine's own signals), `combined+qe`, or `oracle`. */
  readonly name: string;
  /** What the cascade computes (none for the oracle, which reads the references). */
  readonly scorer: CascadeScorer | null;
  /** Whether its compute includes the QE batch. */
  readonly paysQe: boolean;
  /** Candidates in that batch: 1 (the translation), 2 (and its runner-up, for `qe-margin`), 0 without QE. */
  readonly qeCandidates: 0 | 1 | 2;
  readonly curve: readonly CascadePoint[];
  /** The cheapest point of its held-out curve within 0.5 chrF of the best engine. */
  readonly withinHalf: CascadePoint | null;
  /** withinHalf's compute over the best engine's. */
  readonly computeVsBest: number | null;
  /** The threshold learnt on dev for the target, its dev compute, and what it gives replayed on the held-out sentences. */
  readonly learnt: {
    readonly threshold: number;
    readonly devChrf: number;
    readonly devComputeMs: number;
    readonly test: CascadePoint;
  } | null;
}

export interface CascadeQualityReport {
  /** Cheapest first, each alone on the held-out sentences. */
  readonly engines: readonly CascadeEngineRow[];
  /** Median run time of one QE batch (the cheap engine's translation), ms. */
  readonly qeMsPerBatch: number;
  /** Median run time of one QE batch of the translation and its runner-up (`qe-margin`), ms. */
  readonly qeMarginMsPerBatch: number;
  /** Every signal measured, the oracle last. */
  readonly signals: readonly CascadeSignalReport[];
  /** The signal chosen on dev: the one whose learnt threshold reaches the dev target at the least dev compute. */
  readonly chosen: string;
  readonly scorer: CascadeScorer;
  /**
   * The chosen signal's cascade over every threshold worth having (cheapest first, each better
   * than the cheaper), compute = model runs × the engine's median ms per run (+ the QE batch when
   * the scorer reads QE): the cost model.
   */
  readonly curve: readonly CascadePoint[];
  readonly best: CascadeEngineRow;
  /** The cheapest point of the curve within 0.5 chrF of the best single engine. */
  readonly withinHalf: CascadePoint | null;
  /** withinHalf's compute per segment over the best engine's; target ≤ 0.5. */
  readonly cascadeComputeVsBest: number | null;
  /** The same ratio with each segment's own measured run times instead of the medians. */
  readonly measuredComputeVsBest: number | null;
  /** The chosen signal's threshold learnt on dev for the best engine's dev chrF − 0.5, then run for real on the held-out sentences. */
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
  /** The translation memory, for the `tm-match` signal. */
  readonly tm?: TmActor;
}

/** One segment decoded by every engine: what each said and what it cost, and the cheap one's signals. */
interface Decoded {
  readonly stages: readonly {
    readonly stats: readonly number[];
    readonly runs: number;
    readonly ms: number;
  }[];
  /** The first engine's translation's signals, and the run times of its QE batches. */
  readonly signals: CascadeSignalValues;
  /** QE of the translation alone. */
  readonly qeMs: number;
  /** QE of the translation and its runner-up in one batch (what `qe-margin` pays). */
  readonly qeMarginMs: number;
}

/** Signals the combinations read: the engine's own (free), and QE for `combined+qe`. */
const OWN_SIGNALS: readonly CascadeSignal[] = [
  'sequence-logprob',
  'mean-logprob',
  'min-token-logprob',
  'nbest-posterior',
  'tm-match',
];

/**
 * A two-engine cascade on the synthetic pair: the cheap engine first, a scorer deciding per
 * segment, the costly engine for the rest. Every segment of dev and of the held-out split is
 * decoded by both engines once (with each decode's run time measured) and every signal of the
 * cheap engine's translation is recorded, so every signal and threshold can be replayed: each
 * signal's curve, the oracle's (escalate exactly where the costly engine's sentence chrF is
 * higher: the floor no signal beats), and combinations fitted on dev. The signal is chosen on dev,
 * its threshold learnt on dev, and then run for real, as `Translator`'s `cascade` method, on the
 * held-out sentences.
 *
 * Compute is time the actors spent running: both decodes where the segment escalated, and the
 * QE batch only for a scorer that reads QE. On a busy machine one decode's time varies with what
 * else runs, so the curves price a segment as its model runs times each engine's median time per
 * run in this run (plus the QE batch's median); the ratio with each segment's own measured times
 * is reported beside it.
 */
export async function measureCascade(
  options: CascadeQualityOptions,
): Promise<CascadeQualityReport> {
  const names = options.engines.map((e) => e.name);
  const translator = (thresholds: readonly number[], scorer: CascadeScorer) =>
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
      ...(options.tm ? { tm: options.tm } : {}),
      cascade: { engines: names.map((_, k) => k), thresholds, scorer },
    });
  const probe = translator(
    names.slice(1).map(() => ESCALATE_ALL),
    'qe',
  );
  const eos = options.layout.eos;
  const collect = async (split: readonly Sentence[]): Promise<Decoded[]> => {
    const decoded: Decoded[] = new Array(split.length);
    await forEachConcurrently(split, options.concurrency, async (sentence, i) => {
      const source = options.tokenizer.encode(sentence.source);
      // Each engine decodes alone, as the cascade's stages do (no memory hint: the memory is a
      // signal here, not a help).
      const results = await Promise.all(names.map((_, k) => probe.decode([k], source)));
      const tokens = results.map((r) =>
        r.tokens.at(-1) === eos ? r.tokens.slice(0, -1) : r.tokens,
      );
      // QE of the translation alone (what `qe` pays), and of the translation with its runner-up
      // in one batch (what `qe-margin` pays): each priced by its own run time.
      const second = runnerUp(results[0]!, tokens[0]!, eos);
      const [scored, withSecond, hit] = await Promise.all([
        options.qe.scoreWithCost(source, [tokens[0]!]),
        options.qe.scoreWithCost(source, second ? [tokens[0]!, second] : [tokens[0]!]),
        options.tm ? options.tm.lookup(sentence.source) : Promise.resolve(undefined),
      ]);
      decoded[i] = {
        stages: results.map((result, k) => ({
          stats: chrfStatistics(options.tokenizer.decode(tokens[k]!), [sentence.target]),
          runs: result.trace.rounds.length,
          ms: runTime(result),
        })),
        signals: {
          ...decodeSignals(results[0]!),
          ...qeSignals(scored.scores[0]!, results[0]!.tokenLogprobs),
          'qe-margin': qeSignals(
            withSecond.scores[0]!,
            results[0]!.tokenLogprobs,
            withSecond.scores[1] ?? null,
          )['qe-margin'],
          'tm-match': hit && hit.kind !== 'none' ? hit.score / 100 : 0,
        },
        qeMs: scored.runMs,
        qeMarginMs: withSecond.runMs,
      };
    });
    return decoded;
  };
  const dev = await collect(options.dev);
  const test = await collect(options.test);
  const all = [...dev, ...test];
  const msPerRun = names.map((_, k) => median(all.map((d) => d.stages[k]!.ms / d.stages[k]!.runs)));
  const qeMsPerBatch = median(all.map((d) => d.qeMs));
  const qeMarginMsPerBatch = median(all.map((d) => d.qeMarginMs));
  /** What the scorer's QE batch costs a segment: the median, or the segment's own measured time. */
  const qePrice = (candidates: 0 | 1 | 2, d: Decoded, measured: boolean): number =>
    candidates === 0
      ? 0
      : candidates === 1
        ? measured
          ? d.qeMs
          : qeMsPerBatch
        : measured
          ? d.qeMarginMs
          : qeMarginMsPerBatch;
  const quality = (sums: readonly number[]) => chrfOfStatistics(sums);
  /** The segment's sentence chrF gain from escalating: what the oracle knows. */
  const gain = (d: Decoded) =>
    chrfOfStatistics(d.stages[1]!.stats) - chrfOfStatistics(d.stages[0]!.stats);
  const examples = (
    split: readonly Decoded[],
    score: (d: Decoded) => number,
    qeCandidates: 0 | 1 | 2,
    measured = false,
  ): CascadeExample[] =>
    split.map((d) => ({
      stages: d.stages.map((s, k) => ({
        score: k === 0 ? score(d) : Number.NaN,
        stats: s.stats,
        cost:
          (measured ? s.ms : s.runs * msPerRun[k]!) +
          (k === 0 ? qePrice(qeCandidates, d, measured) : 0),
      })),
    }));
  const n = options.test.length;
  const point = (s: CascadeSetting): CascadePoint => ({
    threshold: s.thresholds[0]!,
    chrf: s.quality,
    computeMs: s.cost,
    escalated: s.reached[1]! / s.reached[0]!,
  });

  const target =
    Math.max(
      ...names.map((_, k) =>
        chrfOfSingle(
          examples(dev, () => 0, 0),
          k,
        ),
      ),
    ) - 0.5;
  const testPriced = examples(test, () => 0, 0);
  const engines: CascadeEngineRow[] = names.map((name, k) => {
    const runs = test.reduce((sum, d) => sum + d.stages[k]!.runs, 0) / n;
    return {
      name,
      chrf: chrfOfSingle(testPriced, k),
      computeMs: runs * msPerRun[k]!,
      msPerRun: msPerRun[k]!,
      runs,
    };
  });
  const bestIndex = engines.reduce((b, e, k) => (e.chrf > engines[b]!.chrf ? k : b), 0);
  const best = engines[bestIndex]!;

  // The scorers: each signal, combinations fitted on dev (never on the held-out split), the oracle.
  // The fit is the library's (`fitCascadeScorer`, as `roundtable learn-cascade` uses): the cheap
  // engine's signals against both engines' sentence chrF.
  const combine = (signals: readonly CascadeSignal[]): CascadeScorer => {
    const fit = fitCascadeScorer(
      dev.map((d) => ({
        signals: [signals.map((s) => d.signals[s])],
        quality: [chrfOfStatistics(d.stages[0]!.stats), chrfOfStatistics(d.stages[1]!.stats)],
      })),
    );
    return {
      linear: Object.fromEntries(signals.map((s, j) => [s, fit.weights[j]!])),
      bias: fit.bias,
    };
  };
  const usable = CASCADE_SIGNALS.filter((s) => s !== 'tm-match' || options.tm);
  const own = OWN_SIGNALS.filter((s) => usable.includes(s));
  const scorers: { name: string; scorer: CascadeScorer }[] = [
    ...usable.map((s) => ({ name: s, scorer: s as CascadeScorer })),
    { name: 'combined', scorer: combine(own) },
    { name: 'combined+qe', scorer: combine([...own, 'qe', 'qe-min-token']) },
    { name: 'qe+gap', scorer: combine(['qe', 'qe-min-token', 'qe-token-gap']) },
    { name: 'combined+gap', scorer: combine([...own, 'qe', 'qe-min-token', 'qe-token-gap']) },
    { name: 'qe+margin', scorer: combine(['qe', 'qe-min-token', 'qe-margin']) },
    { name: 'combined+all', scorer: combine([...own, ...QE_SIGNALS]) },
  ];
  const candidatesOf = (scorer: CascadeScorer): 0 | 1 | 2 =>
    scorerNeedsRunnerUp(scorer) ? 2 : scorerNeedsQe(scorer) ? 1 : 0;
  const measure = (
    name: string,
    scorer: CascadeScorer | null,
    score: (d: Decoded) => number,
    qeCandidates: 0 | 1 | 2,
  ): CascadeSignalReport & { fitCost: number } => {
    const curve = cascadeCurve(examples(test, score, qeCandidates), quality).map(point);
    const withinHalf = curve.find((p) => p.chrf >= best.chrf - 0.5) ?? null;
    let learnt: CascadeSignalReport['learnt'] = null;
    let fitCost = Number.POSITIVE_INFINITY;
    try {
      const fit = learnCascadeThresholds(examples(dev, score, qeCandidates), {
        target,
        quality,
      });
      fitCost = fit.cost;
      learnt = {
        threshold: fit.thresholds[0]!,
        devChrf: fit.quality,
        devComputeMs: fit.cost,
        test: point(replayCascade(examples(test, score, qeCandidates), fit.thresholds, quality)),
      };
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
    }
    return {
      name,
      scorer,
      paysQe: qeCandidates > 0,
      qeCandidates,
      curve,
      withinHalf,
      computeVsBest: withinHalf ? withinHalf.computeMs / best.computeMs : null,
      learnt,
      fitCost,
    };
  };
  const measuredSignals = scorers.map(({ name, scorer }) =>
    measure(name, scorer, (d) => cascadeScore(scorer, d.signals), candidatesOf(scorer)),
  );
  const oracle = measure('oracle', null, (d) => -gain(d), 0);
  const chosen = measuredSignals.reduce((b, s) => (s.fitCost < b.fitCost ? s : b));
  const scorer = chosen.scorer!;
  const chosenScore = (d: Decoded) => cascadeScore(scorer, d.signals);
  const withinHalf = chosen.withinHalf;
  const measuredBest = test.reduce((sum, d) => sum + d.stages[bestIndex]!.ms, 0) / n;
  const measuredWithin = withinHalf
    ? replayCascade(
        examples(test, chosenScore, chosen.qeCandidates, true),
        [withinHalf.threshold],
        quality,
      ).cost
    : undefined;

  // The chosen scorer with its threshold learnt on dev, run for real: escalated segments alone
  // reach the costly engine.
  if (!chosen.learnt)
    throw new RangeError(
      `cascade: no scorer reaches chrF ${target.toFixed(1)} on dev (the best engine's dev chrF − 0.5)`,
    );
  const fitThreshold = chosen.learnt.threshold;
  const cascade = translator([fitThreshold], scorer);
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
          sum +
          step.decodeRuns * msPerRun[k]! +
          (step.decision !== 'last' && chosen.paysQe
            ? chosen.qeCandidates === 2
              ? qeMarginMsPerBatch
              : qeMsPerBatch
            : 0),
        0,
      ),
      measuredMs: t!.computeMs!,
      escalated: steps.length > 1,
      modelRuns: t!.modelRuns,
    };
  });
  const mean = (f: (a: (typeof answers)[number]) => number) =>
    answers.reduce((sum, a) => sum + f(a), 0) / n;
  const strip = ({ fitCost: _f, ...report }: CascadeSignalReport & { fitCost: number }) => report;
  return {
    engines,
    qeMsPerBatch,
    qeMarginMsPerBatch,
    signals: [...measuredSignals, oracle].map(strip),
    chosen: chosen.name,
    scorer,
    curve: chosen.curve,
    best,
    withinHalf,
    cascadeComputeVsBest: chosen.computeVsBest,
    measuredComputeVsBest: measuredWithin !== undefined ? measuredWithin / measuredBest : null,
    learnt: {
      target,
      threshold: fitThreshold,
      dev: { chrf: chosen.learnt.devChrf, computeMs: chosen.learnt.devComputeMs },
      test: {
        threshold: fitThreshold,
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
