import * as args from '../../actor/arguments.js';
import { ArgumentError } from '../../errors.js';
import { CASCADE_SIGNALS, type CascadeScorer, type CascadeSignal } from './cascade-signals.js';
import {
  TRANSLATION_METHODS,
  type TranslateOptions,
  type TranslationMethod,
  type TranslatorOptions,
} from './translator-types.js';

/** A translator's options read once and checked at the door; a wrong one is named. */
export function checkTranslatorOptions(given: unknown): TranslatorOptions {
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

export function checkTranslateOptions(where: string, given: unknown): TranslateOptions {
  const o = args.optionsCopy(where, 'options', given, ['useTm', 'storeAtLeast']);
  const useTm = args.optionalBoolean(where, 'options.useTm', o.useTm);
  const storeAtLeast = args.optionalFinite(where, 'options.storeAtLeast', o.storeAtLeast);
  return {
    ...(useTm !== undefined ? { useTm } : {}),
    ...(storeAtLeast !== undefined ? { storeAtLeast } : {}),
  };
}

/**
 * The engines' fusion weights and temperatures (uniform and 1 by default), one per engine, and a
 * cascade whose stages name engines the translator has: what the door's checks of each option
 * alone cannot see.
 */
export function checkEngines(options: TranslatorOptions): {
  weights: readonly number[];
  temperatures: readonly number[];
} {
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
  return { weights, temperatures };
}

/** A method this translator has: one of TRANSLATION_METHODS, or `engine:k` for one of its `engines`. */
export function checkMethod(
  where: string,
  argument: string,
  method: unknown,
  engines: number,
): TranslationMethod {
  const k = typeof method === 'string' ? /^engine:(\d+)$/.exec(method)?.[1] : undefined;
  if (
    !TRANSLATION_METHODS.includes(method as TranslationMethod) &&
    !(k !== undefined && Number(k) < engines)
  )
    args.refuse(
      where,
      argument,
      `one of ${TRANSLATION_METHODS.join(', ')} or engine:<k> for k below ${engines}`,
      method,
    );
  return method as TranslationMethod;
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
