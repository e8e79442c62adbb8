import type { DecodeResult } from '../../plan-runner/run-decode.js';
import type { QeScore } from '../qe/quality-estimator.js';
import type { Tally } from './shared-work.js';
import type { Translation, TranslatorOptions } from './translator-types.js';

/** What a method gives for a segment before the translator adds the method, origin and counts. */
export type MethodResult = Omit<Translation, 'method' | 'origin' | 'modelRuns'>;

/** A fuzzy memory match as the hint actor's input: its tokens and fusion weight. */
export type TmHintInput = { readonly tokens: readonly number[]; readonly weight: number };

/**
 * What the bodies of the translation methods (refine, cascade, rerank, MBR) need from their
 * translator: its checked options and fusion weights, and the operations they share.
 */
export interface MethodContext {
  readonly options: TranslatorOptions;
  readonly weights: readonly number[];
  /** The best hypothesis' tokens without the end token. */
  best(result: DecodeResult): number[];
  asTranslation(tokens: readonly number[]): { text: string; tokens: readonly number[] };
  /** QE of each candidate; with a tally, its run and run time are counted. */
  qe(
    source: readonly number[],
    candidates: readonly (readonly number[])[],
    tally?: Tally,
  ): Promise<QeScore[]>;
  decode(
    engines: readonly number[],
    source: readonly number[],
    hint?: TmHintInput,
    prefix?: readonly number[],
  ): Promise<DecodeResult>;
}
