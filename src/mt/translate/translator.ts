import * as args from '../../actor/arguments.js';
import { ArgumentError } from '../../errors.js';
import { cascadeDecision } from '../../plan-runner/cascade-decision.js';
import type { CascadeDecision } from '../../plan-runner/cascade-trace.js';
import type { DecodeResult } from '../../plan-runner/run-decode.js';
import { decode } from '../../plans/builders.js';
import type { Roundtable } from '../../runtime/roundtable.js';
import { mbrSelect } from '../mbr/mbr.js';
import type { MbrPool } from '../mbr/mbr-pool.js';
import type { QeScore, QualityEstimator } from '../qe/quality-estimator.js';
import type { TmActor } from '../tm-actor/tm-actor-client.js';
import type { TmHit } from '../tm-actor/tm-hit.js';
import type { Tokenizer } from '../tokenizer/index.js';
import {
  CASCADE_SIGNALS,
  type CascadeScorer,
  type CascadeSignal,
  type CascadeSignalValues,
  cascadeScore,
  decodeSignals,
  NO_QE_SIGNALS,
  qeSignals,
  runnerUp,
  scorerNeedsQe,
  scorerNeedsRunnerUp,
} from './cascade-signals.js';
import { TranslationError } from './errors.js';
import { buildPrompt, type PromptLayout } from './prompt.js';

/**
 * How a segment is translated:
 * - `single`: the first engine alone (engines are listed best first); `engine:k` engine k alone;
 * - `ensemble`: every engine, next-token scores fused log-linearly at each step;
 * - `rerank`: the candidates of every engine and of the ensemble (beam n-best lists), the one
 *   the QE model rates best;
 * - `mbr`: the same candidates, the one with the highest expected chrF against the others, each
 *   other weighted by its posterior in its list and its engine's fusion weight;
 * - `refine`: the first engine's draft, then rounds that each keep the previous output up to its
 *   first token QE doubts and re-decode the rest with one engine more than the round before,
 *   keeping the new output only if QE rates it higher, and stopping as soon as QE reaches the
 *   threshold: the cost of more engines is paid only for segments QE finds poor;
 * - `refine-ensemble`: the same with one round at most, of every engine;
 * - `cascade`: the cascade's engines cheapest first, each decoding alone; a segment stops at the
 *   first whose translation the cascade's scorer (QE by default, or the engine's own confidence:
 *   cascade-signals.ts) rates at least that stage's threshold (a score that is not a finite
 *   number never stops it), so the costlier engines run only for segments the scorer doubts.
 */
export type TranslationMethod =
  | 'single'
  | `engine:${number}`
  | 'ensemble'
  | 'rerank'
  | 'mbr'
  | 'refine'
  | 'refine-ensemble'
  | 'cascade';

export const TRANSLATION_METHODS: readonly TranslationMethod[] = [
  'single',
  'ensemble',
  'refine',
  'refine-ensemble',
  'rerank',
  'mbr',
  'cascade',
];

export interface TranslatorOptions {
  readonly runtime: Roundtable;
  readonly tokenizer: Tokenizer;
  readonly layout: PromptLayout;
  /** The engines' window width (every engine and the hint actor read the same window). */
  readonly context: number;
  /** Tokens generated at most per segment. */
  readonly maxLength: number;
  /** Model actors (already spawned), best first. */
  readonly engines: readonly string[];
  /** Log-linear fusion of the engines; default uniform weights, temperature 1. */
  readonly fusion?: {
    readonly weights?: readonly number[];
    readonly temperatures?: readonly number[];
  };
  /** Beam width of every decode; 1 is greedy search. Default 4. */
  readonly beamWidth?: number;
  /** Length normalisation exponent of beam search; default 1. */
  readonly lengthPenalty?: number;
  /**
   * The hint actor (hint-actor.ts) and its fusion weight (against 1 − weight for the engines
   * together) when a fuzzy translation-memory match is its hint. Without it fuzzy matches go
   * unused.
   */
  readonly hint?: { readonly actor: string; readonly weight: number };
  /** Needed by `rerank` and `refine`, and to store translations in the memory. */
  readonly qe?: QualityEstimator;
  readonly refine?: {
    /** QE (mean log-probability per token) at which refinement stops; default -0.25. */
    readonly threshold?: number;
    /** A token whose QE log-probability is below this is doubtful; default log 0.5. */
    readonly tokenThreshold?: number;
  };
  readonly tm?: TmActor;
  /**
   * Needed by `cascade`: engines (indices into `engines`) cheapest first, one threshold per engine
   * but the last, and what the thresholds apply to (default `qe`, which needs `qe`).
   */
  readonly cascade?: {
    readonly engines: readonly number[];
    readonly thresholds: readonly number[];
    readonly scorer?: CascadeScorer;
  };
  /**
   * Where the `mbr` method's selection runs: on this pool (mbr/mbr-pool.ts), off the caller's
   * event loop. Without it, mbrSelect runs on the caller.
   */
  readonly mbrPool?: MbrPool;
}

export interface TranslateOptions {
  /** Ask the memory before the models; default true when the translator has one. */
  readonly useTm?: boolean;
  /**
   * Store the translation in the memory when QE rates it at least this (mean log-probability).
   * Default: do not store.
   */
  readonly storeAtLeast?: number;
}

export interface Translation {
  readonly text: string;
  /** Token ids of the translation, without the end token (empty for an exact TM match). */
  readonly tokens: readonly number[];
  readonly method: TranslationMethod;
  /** `tm` when an exact match answered and no model ran. */
  readonly origin: 'tm' | 'models';
  /** The memory's best match, when there was one. */
  readonly match?: { readonly kind: 'exact' | 'fuzzy'; readonly score: number };
  /** The QE of the translation when it was computed. */
  readonly qe?: number;
  /** Refinement rounds run after the draft (`refine` only). */
  readonly rounds?: number;
  /** The draft and each refinement round: who decoded, the QE of the output, whether it was kept. */
  readonly steps?: readonly RefineStep[];
  /** Whether the memory took the translation (storeAtLeast). */
  readonly stored?: boolean;
  /** `cascade` only: every engine the segment reached, its QE and the decision. */
  readonly cascade?: readonly CascadeStep[];
  /**
   * Time the method's actors spent running (engines inside `session.run`, the QE plan's actors),
   * summed over its decodes and QE batches; a decode several methods share counts for each.
   */
  readonly computeMs?: number;
  /**
   * Model runs the method needed: one per engine per decoding step, one per QE batch (the hint
   * actor is not counted). A decode several methods share counts for each; 0 for a TM answer.
   */
  readonly modelRuns: number;
}

export interface RefineStep {
  /** The engines that decoded (fused). */
  readonly engines: readonly string[];
  /** Tokens of the previous output kept as the start of this one. */
  readonly kept: number;
  readonly qe: number;
  /** Whether this output replaced the previous one (QE rated it higher). */
  readonly accepted: boolean;
}

export interface CascadeStep {
  readonly engine: string;
  /** QE of this engine's translation; NaN when the scorer does not use QE and for the last engine. */
  readonly qe: number;
  /** The scorer's score of this engine's translation; NaN for the last engine, which is not scored. */
  readonly score: number;
  readonly decision: CascadeDecision;
  /** Run time of this engine's decode and of its QE batch. */
  readonly computeMs: number;
  /** The engine's model runs (one per decoding step); its QE batch, when scored, is one more. */
  readonly decodeRuns: number;
}

/** A translator's options read once and checked at the door; a wrong one is named. */
function checkTranslatorOptions(given: unknown): TranslatorOptions {
  const where = 'new Translator';
  const o = args.optionsCopy(where, 'options', given, [
    'runtime',
    'tokenizer',
    'layout',
    'context',
    'maxLength',
    'engines',
    'fusion',
    'beamWidth',
    'lengthPenalty',
    'hint',
    'qe',
    'refine',
    'tm',
    'cascade',
    'mbrPool',
  ]);
  for (const key of ['runtime', 'tokenizer', 'layout'])
    if (typeof o[key] !== 'object' || o[key] === null)
      args.refuse(where, `options.${key}`, 'an object', o[key]);
  args.integer(where, 'options.context', o.context, 1);
  args.integer(where, 'options.maxLength', o.maxLength, 1);
  const engines = args.list(
    where,
    'options.engines',
    o.engines,
    'an array of actor names',
    (e, at) => args.name(where, at, e),
  );
  if (engines.length === 0) args.refuse(where, 'options.engines', 'at least one engine', o.engines);
  args.optionalInteger(where, 'options.beamWidth', o.beamWidth, 1, 1024);
  args.optionalFinite(where, 'options.lengthPenalty', o.lengthPenalty);
  const numbers = (argument: string, value: unknown) =>
    value === undefined
      ? undefined
      : args.list(where, argument, value, 'an array of numbers', (n, at) => {
          if (typeof n !== 'number' || !(Number.isFinite(n) && n >= 0))
            args.refuse(where, at, 'a finite number ≥ 0', n);
          return n;
        });
  let fusion: TranslatorOptions['fusion'];
  if (o.fusion !== undefined) {
    const f = args.optionsCopy(where, 'options.fusion', o.fusion, ['weights', 'temperatures']);
    const weights = numbers('options.fusion.weights', f.weights);
    const temperatures = numbers('options.fusion.temperatures', f.temperatures);
    fusion = {
      ...(weights ? { weights } : {}),
      ...(temperatures ? { temperatures } : {}),
    };
  }
  let cascade: TranslatorOptions['cascade'];
  if (o.cascade !== undefined) {
    const c = args.optionsCopy(where, 'options.cascade', o.cascade, [
      'engines',
      'thresholds',
      'scorer',
    ]);
    const scorer = c.scorer === undefined ? undefined : checkedScorer(where, c.scorer);
    cascade = {
      ...(scorer !== undefined ? { scorer } : {}),
      engines: args.list(
        where,
        'options.cascade.engines',
        c.engines,
        'an array of engine indices',
        (e, at) => args.integer(where, at, e, 0),
      ),
      thresholds: args.list(
        where,
        'options.cascade.thresholds',
        c.thresholds,
        'an array of numbers',
        (t, at) => {
          if (typeof t !== 'number' || !Number.isFinite(t))
            args.refuse(where, at, 'a finite number', t);
          return t;
        },
      ),
    };
  }
  if (o.hint !== undefined) {
    const h = args.optionsCopy(where, 'options.hint', o.hint, ['actor', 'weight']);
    args.name(where, 'options.hint.actor', h.actor);
    args.optionalNumber(
      where,
      'options.hint.weight',
      h.weight,
      'a number from 0 to 1',
      (w) => w >= 0 && w <= 1,
    );
    if (h.weight === undefined)
      args.refuse(where, 'options.hint.weight', 'a number from 0 to 1', h.weight);
    o.hint = h;
  }
  if (o.refine !== undefined) {
    const r = args.optionsCopy(where, 'options.refine', o.refine, ['threshold', 'tokenThreshold']);
    args.optionalFinite(where, 'options.refine.threshold', r.threshold);
    args.optionalFinite(where, 'options.refine.tokenThreshold', r.tokenThreshold);
    o.refine = r;
  }
  for (const key of ['qe', 'tm', 'mbrPool'])
    if (o[key] !== undefined && (typeof o[key] !== 'object' || o[key] === null))
      args.refuse(where, `options.${key}`, 'an object', o[key]);
  return {
    ...o,
    engines,
    ...(fusion ? { fusion } : {}),
    ...(cascade ? { cascade } : {}),
  } as unknown as TranslatorOptions;
}

function checkTranslateOptions(where: string, given: unknown): TranslateOptions {
  const o = args.optionsCopy(where, 'options', given, ['useTm', 'storeAtLeast']);
  const useTm = args.optionalBoolean(where, 'options.useTm', o.useTm);
  const storeAtLeast = args.optionalFinite(where, 'options.storeAtLeast', o.storeAtLeast);
  return {
    ...(useTm !== undefined ? { useTm } : {}),
    ...(storeAtLeast !== undefined ? { storeAtLeast } : {}),
  };
}

interface Candidate {
  readonly tokens: readonly number[];
  readonly text: string;
  /** Weight as a pseudo-reference in MBR. */
  readonly evidence: number;
}

/**
 * Translates segments with the runtime's actors: model engines decoding alone or fused, the hint
 * actor, the QE plan, the translation-memory actor. One translator serves concurrent calls.
 */
export class Translator {
  readonly #options: TranslatorOptions;
  readonly #beam: number;
  readonly #weights: readonly number[];
  readonly #temperatures: readonly number[];

  constructor(given: TranslatorOptions) {
    const options = checkTranslatorOptions(given);
    const k = options.engines.length;
    const weights = options.fusion?.weights ?? options.engines.map(() => 1);
    const temperatures = options.fusion?.temperatures ?? options.engines.map(() => 1);
    if (weights.length !== k || temperatures.length !== k)
      throw new ArgumentError(
        `translator: ${weights.length} weights and ${temperatures.length} temperatures for ${k} engines`,
        'options.fusion',
      );
    const stages = options.cascade;
    if (
      stages &&
      (stages.engines.length === 0 ||
        stages.thresholds.length !== stages.engines.length - 1 ||
        stages.engines.some((e) => !Number.isInteger(e) || e < 0 || e >= k) ||
        stages.thresholds.some((t) => !Number.isFinite(t)))
    )
      throw new ArgumentError(
        `translator: cascade needs engine indices below ${k}, cheapest first, and one finite threshold per engine but the last; got engines [${stages.engines.join(', ')}], thresholds [${stages.thresholds.join(', ')}]`,
        'options.cascade',
      );
    this.#options = options;
    this.#beam = options.beamWidth ?? 4;
    this.#weights = weights;
    this.#temperatures = temperatures;
  }

  get engines(): readonly string[] {
    return this.#options.engines;
  }

  /** Translates one segment with one method. */
  async translate(
    text: string,
    method: TranslationMethod,
    given: TranslateOptions = {},
  ): Promise<Translation> {
    const where = 'Translator.translate';
    args.text(where, 'text', text);
    this.#checkMethod(where, 'method', method);
    const options = checkTranslateOptions(where, given);
    const [translation] = await this.translateEvery(text, [method], options);
    const result = translation!;
    const storeAtLeast = options.storeAtLeast;
    if (
      storeAtLeast === undefined ||
      result.origin === 'tm' ||
      !this.#options.tm ||
      result.text === ''
    )
      return result;
    const qe =
      result.qe ?? (await this.#qe(this.#options.tokenizer.encode(text), [result.tokens]))[0]!.mean;
    const stored =
      qe >= storeAtLeast
        ? await this.#options.tm.store({ source: text, target: result.text, qe })
        : false;
    return { ...result, qe, stored };
  }

  /**
   * Translates one segment with several methods, sharing the work they have in common (the
   * memory lookup, each engine's decode, the ensemble's): every result is the one `translate`
   * gives for that method alone.
   */
  async translateEvery(
    text: string,
    given: readonly TranslationMethod[],
    givenOptions: TranslateOptions = {},
  ): Promise<Translation[]> {
    const where = 'Translator.translateEvery';
    args.text(where, 'text', text);
    const methods = args.list(where, 'methods', given, 'an array of methods', (method, at) =>
      this.#checkMethod(where, at, method),
    );
    const options = checkTranslateOptions(where, givenOptions);
    const o = this.#options;
    const source = o.tokenizer.encode(text);
    const useTm = (options.useTm ?? true) && o.tm !== undefined;
    const hit: TmHit = useTm ? await o.tm!.lookup(text) : { kind: 'none' };
    const match = hit.kind === 'none' ? undefined : { kind: hit.kind, score: hit.score };
    if (hit.kind === 'exact') {
      return methods.map((method) => ({
        text: hit.target,
        tokens: [],
        method,
        origin: 'tm',
        match: match!,
        modelRuns: 0,
      }));
    }
    const hint =
      hit.kind === 'fuzzy' && o.hint
        ? o.tokenizer.encode(hit.target).slice(0, o.maxLength)
        : undefined;
    this.#checkFits(text, source, hint);
    const tmHint = hint && o.hint ? { tokens: hint, weight: o.hint.weight } : undefined;
    const work = new SharedWork(source, tmHint, o.engines.length, (engines) =>
      this.decode(engines, source, tmHint),
    );
    work.tmMatch = hit.kind === 'fuzzy' ? hit.score / 100 : 0;
    return Promise.all(
      methods.map(async (method) => {
        const done = await this.#run(method, work);
        return { ...done, method, origin: 'models' as const, ...(match ? { match } : {}) };
      }),
    );
  }

  /** A method this translator has: one of TRANSLATION_METHODS, or `engine:k` for one of its engines. */
  #checkMethod(where: string, argument: string, method: unknown): TranslationMethod {
    const k = typeof method === 'string' ? /^engine:(\d+)$/.exec(method)?.[1] : undefined;
    if (
      !TRANSLATION_METHODS.includes(method as TranslationMethod) &&
      !(k !== undefined && Number(k) < this.#options.engines.length)
    )
      args.refuse(
        where,
        argument,
        `one of ${TRANSLATION_METHODS.join(', ')} or engine:<k> for k below ${this.#options.engines.length}`,
        method,
      );
    return method as TranslationMethod;
  }

  async #run(
    method: TranslationMethod,
    work: SharedWork,
  ): Promise<Omit<Translation, 'method' | 'origin'>> {
    const tally = new Tally();
    const done = await this.#runCounted(method, work, tally);
    return { ...done, modelRuns: tally.runs, computeMs: tally.computeMs };
  }

  async #runCounted(
    method: TranslationMethod,
    work: SharedWork,
    tally: Tally,
  ): Promise<Omit<Translation, 'method' | 'origin' | 'modelRuns'>> {
    switch (method) {
      case 'single':
        return this.#asTranslation(this.#best(tally.decoded(await work.engine(0), 1)));
      case 'ensemble':
        return this.#asTranslation(
          this.#best(tally.decoded(await work.ensemble(), this.#options.engines.length)),
        );
      case 'rerank': {
        const candidates = distinct(await this.#candidates(work, tally));
        const scores = await this.#qe(
          work.source,
          candidates.map((c) => c.tokens),
          tally,
        );
        let top = 0;
        for (let i = 1; i < scores.length; i++) if (scores[i]!.mean > scores[top]!.mean) top = i;
        return { ...this.#asTranslation(candidates[top]!.tokens), qe: scores[top]!.mean };
      }
      case 'mbr': {
        const candidates = await this.#candidates(work, tally);
        const texts = candidates.map((c) => c.text);
        const weights = candidates.map((c) => c.evidence);
        const pool = this.#options.mbrPool;
        const { index } = pool
          ? await pool.select(texts, { weights })
          : mbrSelect(texts, { weights });
        return this.#asTranslation(candidates[index]!.tokens);
      }
      case 'refine':
        return this.#refine(work, tally, false);
      case 'refine-ensemble':
        return this.#refine(work, tally, true);
      case 'cascade':
        return this.#cascade(work, tally);
      default: {
        const k = /^engine:(\d+)$/.exec(method)?.[1];
        if (k !== undefined && Number(k) < this.#options.engines.length)
          return this.#asTranslation(this.#best(tally.decoded(await work.engine(Number(k)), 1)));
        throw new ArgumentError(
          `translator: unknown method ${JSON.stringify(method)}; use one of ${TRANSLATION_METHODS.join(', ')} or engine:<k>`,
          'method',
        );
      }
    }
  }

  /**
   * Every engine's n-best list and the ensemble's, in that order, each candidate with how much
   * evidence it is for MBR: its posterior within its list (softmax of the hypotheses' summed
   * log-probabilities), times the list's share — engine k's fusion weight for its own list (the
   * engines' shares add up to 1), and 1 for the ensemble's list.
   */
  async #candidates(work: SharedWork, tally: Tally): Promise<Candidate[]> {
    const k = this.#options.engines.length;
    const results = await Promise.all([
      ...this.#options.engines.map((_, e) => work.engine(e)),
      work.ensemble(),
    ]);
    results.forEach((result, list) => tally.decoded(result, list < k ? 1 : k));
    const total = this.#weights.reduce((a, b) => a + b, 0);
    return results.flatMap((result, list) => {
      const share = list < k ? this.#weights[list]! / total : 1;
      const top = Math.max(...result.hypotheses.map((h) => h.logprob));
      const mass = result.hypotheses.reduce((sum, h) => sum + Math.exp(h.logprob - top), 0);
      return result.hypotheses.map((h) => {
        const tokens = stripEnd(h.tokens, this.#options.layout.eos);
        return {
          tokens,
          text: this.#options.tokenizer.decode(tokens),
          evidence: (share * Math.exp(h.logprob - top)) / mass,
        };
      });
    });
  }

  async #refine(
    work: SharedWork,
    tally: Tally,
    all: boolean,
  ): Promise<Omit<Translation, 'method' | 'origin' | 'modelRuns'>> {
    const o = this.#options;
    if (!o.qe) throw new TranslationError('translator: the refine method needs a QE model');
    const threshold = o.refine?.threshold ?? -0.25;
    const doubt = o.refine?.tokenThreshold ?? Math.log(0.5);
    let current = this.#best(tally.decoded(await work.engine(0), 1));
    let qe = (await this.#qe(work.source, [current], tally))[0]!;
    const steps: RefineStep[] = [
      { engines: [o.engines[0]!], kept: current.length, qe: qe.mean, accepted: true },
    ];
    for (let r = 1; r < (all ? 2 : o.engines.length) && qe.mean < threshold; r++) {
      // Keep what QE trusts: the draft up to its first doubtful token; re-decode from there.
      let kept = qe.tokens.findIndex((logprob) => logprob < doubt);
      if (kept < 0) kept = current.length;
      kept = Math.min(kept, current.length);
      const engines = o.engines.slice(0, all ? o.engines.length : r + 1).map((_, k) => k);
      const result = tally.decoded(
        await this.decode(engines, work.source, work.hint, current.slice(0, kept)),
        engines.length,
      );
      const next = [...current.slice(0, kept), ...this.#best(result)];
      const nextQe = (await this.#qe(work.source, [next], tally))[0]!;
      const accepted = nextQe.mean > qe.mean;
      steps.push({ engines: engines.map((k) => o.engines[k]!), kept, qe: nextQe.mean, accepted });
      if (accepted) {
        current = next;
        qe = nextQe;
      }
    }
    return { ...this.#asTranslation(current), qe: qe.mean, rounds: steps.length - 1, steps };
  }

  async #cascade(
    work: SharedWork,
    tally: Tally,
  ): Promise<Omit<Translation, 'method' | 'origin' | 'modelRuns'>> {
    const o = this.#options;
    const scorer = o.cascade?.scorer ?? 'qe';
    const needsQe = scorerNeedsQe(scorer);
    const needsRunnerUp = scorerNeedsRunnerUp(scorer);
    if (!o.cascade || (needsQe && !o.qe))
      throw new TranslationError(
        `translator: the cascade method needs a cascade${needsQe ? ' and a QE model (its scorer reads QE)' : ''}`,
      );
    const steps: CascadeStep[] = [];
    for (let i = 0; ; i++) {
      const engine = o.cascade.engines[i]!;
      const result = tally.decoded(await work.engine(engine), 1);
      const tokens = this.#best(result);
      const decodeMs = runTime(result);
      const threshold = o.cascade.thresholds[i];
      if (threshold === undefined) {
        steps.push({
          engine: o.engines[engine]!,
          qe: Number.NaN,
          score: Number.NaN,
          decision: 'last',
          computeMs: decodeMs,
          decodeRuns: result.trace.rounds.length,
        });
        return { ...this.#asTranslation(tokens), cascade: steps };
      }
      let fromQe = NO_QE_SIGNALS;
      let runMs = 0;
      if (needsQe) {
        // The margin needs QE of the engine's runner-up too: one batch of two candidates.
        const second = needsRunnerUp ? runnerUp(result, tokens, o.layout.eos) : null;
        tally.runs++;
        const scored = await o.qe!.scoreWithCost(work.source, second ? [tokens, second] : [tokens]);
        runMs = scored.runMs;
        tally.computeMs += runMs;
        fromQe = qeSignals(
          scored.scores[0]!,
          result.tokenLogprobs,
          needsRunnerUp ? (scored.scores[1] ?? null) : undefined,
        );
      }
      const qe = fromQe.qe;
      const signals: CascadeSignalValues = {
        ...decodeSignals(result),
        ...fromQe,
        'tm-match': work.tmMatch,
      };
      const score = cascadeScore(scorer, signals);
      const decision = cascadeDecision(score, threshold);
      steps.push({
        engine: o.engines[engine]!,
        qe,
        score,
        decision,
        computeMs: decodeMs + runMs,
        decodeRuns: result.trace.rounds.length,
      });
      if (decision === 'stop')
        return { ...this.#asTranslation(tokens), ...(needsQe ? { qe } : {}), cascade: steps };
    }
  }

  /**
   * One decode with engines `engines` (indices) fused with their weights renormalised, and the
   * hint actor when a hint is given; the output continues `prefix` (a forced start of the
   * translation), which the result's tokens do not repeat.
   */
  decode(
    engines: readonly number[],
    source: readonly number[],
    hint?: { readonly tokens: readonly number[]; readonly weight: number },
    prefix: readonly number[] = [],
  ): Promise<DecodeResult> {
    const o = this.#options;
    const actors = engines.map((k) => o.engines[k]!);
    let weights = engines.map((k) => this.#weights[k]!);
    const total = weights.reduce((a, b) => a + b, 0);
    weights = weights.map((w) => (total > 0 ? w / total : 1 / weights.length));
    const temperatures = engines.map((k) => this.#temperatures[k]!);
    const models = actors.map((actor) => ({ actor }));
    if (hint && o.hint) {
      // The hint's logits are read at the engines' mean temperature, so that its weight is in the
      // same units as theirs: weight h against 1 − h for the engines together.
      const temperature = weights.reduce((sum, w, i) => sum + w * temperatures[i]!, 0);
      weights = [...weights.map((w) => w * (1 - hint.weight)), hint.weight];
      temperatures.push(temperature);
      models.push({ actor: o.hint.actor });
    }
    const plan = decode({
      name: `translate ${actors.join('+')}${hint ? '+hint' : ''}`,
      models,
      fusion: { strategy: 'log-linear', weights, temperatures },
      search:
        this.#beam > 1
          ? { type: 'beam', beamWidth: this.#beam, lengthPenalty: o.lengthPenalty ?? 1 }
          : { type: 'greedy' },
      context: o.context,
      endToken: o.layout.eos,
      padToken: o.layout.pad,
      maxLength: Math.max(1, o.maxLength - prefix.length),
    });
    return o.runtime.decode(plan, [...buildPrompt(o.layout, source, hint?.tokens), ...prefix]);
  }

  #qe(
    source: readonly number[],
    candidates: readonly (readonly number[])[],
    tally?: Tally,
  ): Promise<QeScore[]> {
    if (!this.#options.qe)
      return Promise.reject(new TranslationError('translator: this method needs a QE model'));
    if (!tally) return this.#options.qe.score(source, candidates);
    tally.runs++;
    return this.#options.qe.scoreWithCost(source, candidates).then(({ scores, runMs }) => {
      tally.computeMs += runMs;
      return scores;
    });
  }

  /** The best hypothesis' tokens without the end token. */
  #best(result: DecodeResult): number[] {
    return stripEnd(result.tokens, this.#options.layout.eos);
  }

  #asTranslation(tokens: readonly number[]): { text: string; tokens: readonly number[] } {
    return { text: this.#options.tokenizer.decode(tokens), tokens };
  }

  #checkFits(text: string, source: readonly number[], hint: readonly number[] | undefined): void {
    const o = this.#options;
    // The window must still hold <s> when the last token is predicted, or the models lose the source.
    const needed =
      buildPrompt(o.layout, source, o.hint ? new Array(o.maxLength).fill(0) : hint).length +
      o.maxLength;
    if (needed > o.context) {
      throw new TranslationError(
        `segment of ${source.length} tokens is too long for the models' window of ${o.context} tokens ` +
          `(prompt, ${o.hint ? 'hint, ' : ''}and up to ${o.maxLength} output tokens need ${needed}): ${JSON.stringify(text.slice(0, 60))}`,
      );
    }
  }
}

/** Decodes that several methods of one segment share, each run once, on first use. */
class SharedWork {
  readonly source: readonly number[];
  readonly hint: { readonly tokens: readonly number[]; readonly weight: number } | undefined;
  /** The memory's fuzzy score / 100 (0 without a fuzzy match): a cascade signal. */
  tmMatch = 0;
  readonly #decode: (engines: readonly number[]) => Promise<DecodeResult>;
  readonly #engines = new Map<number, Promise<DecodeResult>>();
  readonly #count: number;
  #ensemble: Promise<DecodeResult> | undefined;

  constructor(
    source: readonly number[],
    hint: { readonly tokens: readonly number[]; readonly weight: number } | undefined,
    count: number,
    decode: (engines: readonly number[]) => Promise<DecodeResult>,
  ) {
    this.source = source;
    this.hint = hint;
    this.#count = count;
    this.#decode = decode;
  }

  engine(k: number): Promise<DecodeResult> {
    let result = this.#engines.get(k);
    if (!result) {
      result = this.#decode([k]);
      this.#engines.set(k, result);
    }
    return result;
  }

  ensemble(): Promise<DecodeResult> {
    this.#ensemble ??= this.#decode(Array.from({ length: this.#count }, (_, k) => k));
    return this.#ensemble;
  }
}

/** Counts the model runs of one method. */
class Tally {
  runs = 0;
  computeMs = 0;

  decoded(result: DecodeResult, engines: number): DecodeResult {
    this.runs += result.trace.rounds.length * engines;
    this.computeMs += runTime(result);
    return result;
  }
}

/** Time a decode's actors spent running (inside `session.run` for model actors). */
export function runTime(result: DecodeResult): number {
  let ms = 0;
  for (const round of result.trace.rounds)
    for (const step of round.steps) ms += step.runMs ?? step.ms;
  return ms;
}

function stripEnd(tokens: readonly number[], eos: number): number[] {
  return tokens.at(-1) === eos ? tokens.slice(0, -1) : [...tokens];
}

function distinct(candidates: readonly Candidate[]): Candidate[] {
  const seen = new Set<string>();
  return candidates.filter((c) => {
    const key = c.tokens.join(' ');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** A cascade's scorer: one of the signals, or a linear combination of them with finite weights. */
function checkedScorer(where: string, value: unknown): CascadeScorer {
  const argument = 'options.cascade.scorer';
  const expected = `one of ${CASCADE_SIGNALS.join(', ')}, or { linear, bias }`;
  if (typeof value === 'string') {
    if (!(CASCADE_SIGNALS as readonly string[]).includes(value))
      args.refuse(where, argument, expected, value);
    return value as CascadeSignal;
  }
  const given = args.optionsCopy(where, argument, value, ['linear', 'bias']);
  if (given.linear === undefined) args.refuse(where, argument, expected, value);
  const weights = args.optionsCopy(where, `${argument}.linear`, given.linear, CASCADE_SIGNALS);
  const linear: Partial<Record<CascadeSignal, number>> = {};
  for (const [signal, weight] of Object.entries(weights)) {
    if (typeof weight !== 'number' || !Number.isFinite(weight))
      args.refuse(where, `${argument}.linear.${signal}`, 'a finite number', weight);
    linear[signal as CascadeSignal] = weight;
  }
  if (given.bias !== undefined && (typeof given.bias !== 'number' || !Number.isFinite(given.bias)))
    args.refuse(where, `${argument}.bias`, 'a finite number', given.bias);
  return given.bias === undefined ? { linear } : { linear, bias: given.bias as number };
}
