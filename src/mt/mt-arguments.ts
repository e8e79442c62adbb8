/**
 * Checks at the door of roundtable/mt's entries that have no argument module of their own: the
 * quality estimator, the translation-memory actor, the synthetic pair and the translation
 * service's `open`. Each reads an argument once into the copy that is used and refuses a wrong one
 * with an ArgumentError naming it (src/actor/arguments.ts has the building blocks).
 */

import * as args from '../actor/arguments.js';
import { Roundtable } from '../runtime/roundtable.js';
import type { QualityEstimatorOptions } from './qe/quality-estimator.js';
import type { SyntheticPairOptions } from './synthetic/synthetic-pair.js';
import type { TmActorOptions } from './tm-actor/tm-actor.js';
import type { TmOffer } from './tm-actor/tm-hit.js';
import type { PromptLayout } from './translate/prompt.js';
import type { TranslationServiceOptions } from './translate/translation-service.js';

/** The most sentences one call of the synthetic pair makes: its arrays stay well inside memory. */
export const MAX_SYNTHETIC_COUNT = 10_000_000;
/** The most words of one part of speech in a synthetic lexicon. */
export const MAX_LEXICON_SIZE = 100_000;

export function runtime(where: string, value: unknown): Roundtable {
  if (!(value instanceof Roundtable)) args.refuse(where, 'runtime', 'a Roundtable', value);
  return value;
}

export function layout(where: string, argument: string, value: unknown): PromptLayout {
  const copy = args.optionsCopy(where, argument, value ?? null, [
    'bos',
    'sep',
    'hint',
    'pad',
    'eos',
  ]);
  for (const key of ['bos', 'sep', 'hint', 'pad', 'eos'])
    args.integer(where, `${argument}.${key}`, copy[key], 0);
  return copy as unknown as PromptLayout;
}

export function qualityEstimatorOptions(where: string, value: unknown): QualityEstimatorOptions {
  const copy = args.optionsCopy(where, 'options', value ?? null, [
    'model',
    'layout',
    'context',
    'name',
    'temperature',
  ]);
  const model = copy.model;
  if (!(model instanceof Uint8Array) && (typeof model !== 'string' || model === ''))
    args.refuse(where, 'options.model', "a model file's path or its bytes (a Uint8Array)", model);
  copy.layout = layout(where, 'options.layout', copy.layout);
  args.integer(where, 'options.context', copy.context, 1);
  if (copy.name !== undefined) args.name(where, 'options.name', copy.name);
  args.optionalNumber(
    where,
    'options.temperature',
    copy.temperature,
    'a finite number > 0',
    (t) => Number.isFinite(t) && t > 0,
  );
  return copy as unknown as QualityEstimatorOptions;
}

/** Candidates of one source: arrays of token ids, each read once. */
export function candidates(where: string, value: unknown): number[][] {
  return args.list(where, 'candidates', value, 'an array of token-id arrays', (c, at) =>
    args.tokenIds(where, at, c),
  );
}

/** Parallel pairs `{ source, target }` of strings, read once. */
export function pairs(where: string, value: unknown): { source: string; target: string }[] {
  return args.list(where, 'pairs', value, 'an array of { source, target }', (pair, at) => {
    const copy = args.optionsCopy(where, at, pair ?? null, ['source', 'target']);
    return {
      source: args.text(where, `${at}.source`, copy.source),
      target: args.text(where, `${at}.target`, copy.target),
    };
  });
}

/** A tokenizer: an object with encode and decode. */
export function tokenizer<T>(where: string, value: T): T {
  const copy = args.optionsCopy(where, 'tokenizer', value ?? null, ['encode', 'decode']);
  if (typeof copy.encode !== 'function' || typeof copy.decode !== 'function')
    args.refuse(where, 'tokenizer', 'a tokenizer (encode and decode)', value);
  return value;
}

export function tmActorOptions(where: string, value: unknown): TmActorOptions {
  const copy = args.optionsCopy(where, 'options', value ?? null, ['path', 'from', 'to', 'min']);
  args.name(where, 'options.path', copy.path);
  args.name(where, 'options.from', copy.from);
  args.name(where, 'options.to', copy.to);
  args.optionalNumber(
    where,
    'options.min',
    copy.min,
    'a number from 0 to 100',
    (n) => n >= 0 && n <= 100,
  );
  return copy as unknown as TmActorOptions;
}

export function tmOffer(where: string, value: unknown): TmOffer {
  const copy = args.optionsCopy(where, 'offer', value ?? null, [
    'source',
    'target',
    'qe',
    'creator',
  ]);
  args.text(where, 'offer.source', copy.source);
  args.text(where, 'offer.target', copy.target);
  args.optionalFinite(where, 'offer.qe', copy.qe);
  if (copy.creator !== undefined) args.name(where, 'offer.creator', copy.creator);
  return copy as unknown as TmOffer;
}

export function syntheticPairOptions(where: string, value: unknown): SyntheticPairOptions {
  const copy = args.optionsCopy(where, 'options', value ?? null, ['seed', 'sizes']);
  args.integer(where, 'options.seed', copy.seed, Number.MIN_SAFE_INTEGER);
  if (copy.sizes !== undefined) {
    const sizes = args.record(where, 'options.sizes', copy.sizes);
    for (const [key, size] of Object.entries(sizes))
      args.integer(where, `options.sizes.${key}`, size, 1, MAX_LEXICON_SIZE);
    copy.sizes = sizes;
  }
  return copy as unknown as SyntheticPairOptions;
}

export function syntheticCount(where: string, value: unknown): number {
  return args.integer(where, 'count', value, 0, MAX_SYNTHETIC_COUNT);
}

export function serviceOptions(
  where: string,
  value: unknown,
  methods: readonly string[],
): TranslationServiceOptions {
  const copy = args.optionsCopy(where, 'options', value ?? null, [
    'plan',
    'from',
    'to',
    'tm',
    'method',
    'thresholds',
  ]);
  args.name(where, 'options.plan', copy.plan);
  args.name(where, 'options.from', copy.from);
  args.name(where, 'options.to', copy.to);
  if (copy.tm !== undefined) args.name(where, 'options.tm', copy.tm);
  if (copy.method !== undefined) {
    const method = args.name(where, 'options.method', copy.method);
    if (!methods.includes(method) && !/^engine:\d+$/.test(method))
      args.refuse(where, 'options.method', `one of ${methods.join(', ')}`, method);
  }
  if (copy.thresholds !== undefined) args.name(where, 'options.thresholds', copy.thresholds);
  return copy as unknown as TranslationServiceOptions;
}
