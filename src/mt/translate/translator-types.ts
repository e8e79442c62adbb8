import type { CascadeDecision } from '../../plan-runner/cascade-trace.js';
import type { Roundtable } from '../../runtime/roundtable.js';
import type { MbrPool } from '../mbr/mbr-pool.js';
import type { QualityEstimator } from '../qe/quality-estimator.js';
import type { TmActor } from '../tm-actor/tm-actor-client.js';
import type { Tokenizer } from '../tokenizer/index.js';
import type { CascadeScorer } from './cascade-signals.js';
import type { PromptLayout } from './prompt.js';

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
