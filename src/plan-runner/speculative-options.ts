import type { DecoderActor } from '../engines/decoder/decoder-actor.js';
import { SpeculativeOptionError, VocabularyMismatchError } from '../errors.js';
import type { AdaptiveKLimits } from './adaptive-k.js';

export interface SpeculativeOptions {
  /** Length of the output, prompt included. Default: the target folder's, else 20. */
  readonly maxLength?: number;
  /** End tokens; default the target folder's. */
  readonly eos?: readonly number[];
  /** Tokens the draft proposes in the first round (every round when `adaptive` is false). Default 4. */
  readonly k?: number;
  /**
   * k adapts within [minK, maxK] (see adaptive-k.ts). Default on, [1, 8], `by: 'cost'`: greedy
   * picks the k that yields the most tokens per unit of measured time; sampling, and `by:
   * 'acceptance'`, the mean run of agreement, from the acceptance rate alone (so that a seed
   * repeats a generation whatever the timings).
   */
  readonly adaptive?:
    | boolean
    | {
        readonly minK?: number;
        readonly maxK?: number;
        readonly by?: 'cost' | 'acceptance';
      };
  /** Absent: greedy (the target's own greedy output). Present: sampling at this temperature from this seed. */
  readonly sampling?: { readonly temperature?: number; readonly seed: number };
}

const DEFAULT_MAX_LENGTH = 20;
const DEFAULT_K = 4;
const DEFAULT_LIMITS = { minK: 1, maxK: 8 } as const;

/** The options of a speculative generation, checked, with their defaults filled in. */
export interface Settings {
  readonly maxLength: number;
  readonly eos: ReadonlySet<number>;
  readonly k: number;
  readonly adaptive: boolean;
  /** Whether k follows the measured costs (greedy only). */
  readonly byCost: boolean;
  readonly limits: AdaptiveKLimits;
  readonly temperature: number;
}

/** Refuses, before any decoder is asked, what cannot run: each error names the option and its value. */
export function checkOptions(
  draft: DecoderActor,
  target: DecoderActor,
  prompt: readonly number[],
  options: SpeculativeOptions,
): Settings {
  if (draft.vocab !== target.vocab) {
    throw new VocabularyMismatchError(
      `speculate: draft "${draft.name}" has a vocabulary of ${draft.vocab} tokens, target "${target.name}" one of ${target.vocab}`,
    );
  }
  if (draft === target) {
    throw new SpeculativeOptionError(
      `speculate: draft and target are one actor ("${draft.name}"); spawn the folder twice to draft with a model itself`,
    );
  }
  if (prompt.length === 0) throw new SpeculativeOptionError('speculate: the prompt is empty');
  const maxLength = options.maxLength ?? target.folder.search.maxLength ?? DEFAULT_MAX_LENGTH;
  if (!Number.isInteger(maxLength) || maxLength <= prompt.length) {
    throw new SpeculativeOptionError(
      `speculate: maxLength (${maxLength}) counts the prompt and must be an integer above its ${prompt.length} tokens`,
    );
  }
  for (const decoder of [draft, target]) {
    const context = decoder.folder.contextLength;
    if (context !== undefined && maxLength > context) {
      throw new SpeculativeOptionError(
        `speculate: maxLength ${maxLength} is past decoder "${decoder.name}"'s context length ${context}`,
      );
    }
  }
  const adaptiveOption = options.adaptive ?? true;
  const bounds = typeof adaptiveOption === 'object' ? adaptiveOption : {};
  const limits = {
    minK: bounds.minK ?? DEFAULT_LIMITS.minK,
    maxK: bounds.maxK ?? DEFAULT_LIMITS.maxK,
  };
  for (const [name, value] of [
    ['minK', limits.minK],
    ['maxK', limits.maxK],
  ] as const) {
    if (!Number.isInteger(value) || value < 1) {
      throw new SpeculativeOptionError(
        `speculate: adaptive.${name} must be an integer ≥ 1, got ${value}`,
      );
    }
  }
  if (bounds.by !== undefined && bounds.by !== 'cost' && bounds.by !== 'acceptance') {
    throw new SpeculativeOptionError(
      `speculate: adaptive.by must be 'cost' or 'acceptance', got ${JSON.stringify(bounds.by)}`,
    );
  }
  if (limits.minK > limits.maxK) {
    throw new SpeculativeOptionError(
      `speculate: adaptive.minK (${limits.minK}) is above adaptive.maxK (${limits.maxK})`,
    );
  }
  const k = options.k ?? Math.min(Math.max(DEFAULT_K, limits.minK), limits.maxK);
  if (!Number.isInteger(k) || k < 1) {
    throw new SpeculativeOptionError(`speculate: k must be an integer ≥ 1, got ${k}`);
  }
  const temperature = options.sampling?.temperature ?? 1;
  if (options.sampling) {
    if (!Number.isFinite(temperature) || temperature <= 0) {
      throw new SpeculativeOptionError(
        `speculate: sampling.temperature must be a finite number > 0, got ${temperature}`,
      );
    }
    if (!Number.isSafeInteger(options.sampling.seed)) {
      throw new SpeculativeOptionError(
        `speculate: sampling.seed must be an integer, got ${options.sampling.seed}`,
      );
    }
  }
  return {
    maxLength,
    eos: new Set(options.eos ?? target.folder.eos),
    k,
    adaptive: adaptiveOption !== false,
    byCost: (bounds.by ?? 'cost') === 'cost' && options.sampling === undefined,
    limits,
    temperature,
  };
}
