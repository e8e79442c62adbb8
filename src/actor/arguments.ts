/**
 * Checks of a public method's arguments, at the door: a wrong argument is an ArgumentError (or a
 * FeedError for a feed) that names it as the caller wrote it and says what was expected, never a
 * TypeError from deep inside. Each check reads a field once and returns what it read, so a getter
 * that changes between reads cannot slip a value past the check; a getter that throws is refused
 * like any other wrong value.
 */

import { ArgumentError, FeedError, RoundtableError } from '../errors.js';
import { isDType } from '../tensor/dtype.js';
import type { HostTensor } from '../tensor/host-tensor.js';
import { assertData, countOf } from '../tensor/tensor-io.js';
import type { CallOptions } from './call-options.js';

/** Describes a value for a message without running the caller's code (no toString, no getters). */
export function describe(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return value.length > 40 ? `a string of ${value.length} characters` : JSON.stringify(value);
    case 'number':
    case 'boolean':
    case 'undefined':
      return String(value);
    case 'bigint':
      return `${value}n`;
    case 'symbol':
      return 'a symbol';
    case 'function':
      return 'a function';
  }
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  const kind = kindOf(value);
  return kind === 'Object' ? 'an object' : `a ${kind}`;
}

function kindOf(value: object): string {
  try {
    return Object.prototype.toString.call(value).slice(8, -1);
  } catch {
    return 'Object';
  }
}

/** Refuses `value` as `argument` of `where`, which expected `expected`. */
export function refuse(where: string, argument: string, expected: string, value: unknown): never {
  throw new ArgumentError(
    `${where}: ${argument} must be ${expected}, got ${describe(value)}`,
    argument,
  );
}

/** `object[key]`, read once; a getter that throws is the caller's wrong argument. */
export function field(where: string, argument: string, object: object, key: string): unknown {
  try {
    return (object as Record<string, unknown>)[key];
  } catch (error) {
    throw unreadable(where, argument, error);
  }
}

/** The error of an argument whose read threw (a getter, a proxy). */
function unreadable(where: string, argument: string, error: unknown): ArgumentError {
  return new ArgumentError(
    `${where}: ${argument} could not be read: ${error instanceof Error ? error.message : String(error)}`,
    argument,
  );
}

/** An options object (or undefined, for "all defaults"): a plain object, not an array. */
export function options(where: string, argument: string, value: unknown): object {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    refuse(where, argument, 'an object', value);
  return value;
}

/** A record of names to values, read once into a copy (own enumerable keys). */
export function record(where: string, argument: string, value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    refuse(where, argument, 'an object', value);
  let keys: string[];
  try {
    keys = Object.keys(value);
  } catch (error) {
    throw unreadable(where, argument, error);
  }
  const copy: Record<string, unknown> = {};
  for (const key of keys) copy[key] = field(where, `${argument}.${key}`, value, key);
  return copy;
}

export function name(where: string, argument: string, value: unknown): string {
  if (typeof value !== 'string' || value === '')
    refuse(where, argument, 'a non-empty string', value);
  return value;
}

export function integer(
  where: string,
  argument: string,
  value: unknown,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (!Number.isSafeInteger(value) || (value as number) < min || (value as number) > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `from ${min} to ${max}`;
    refuse(where, argument, `an integer ${range}`, value);
  }
  return value as number;
}

export function optionalInteger(
  where: string,
  argument: string,
  value: unknown,
  min: number,
  max?: number,
): number | undefined {
  return value === undefined ? undefined : integer(where, argument, value, min, max);
}

/** Milliseconds a call may take: > 0, Infinity for none (every timer goes through long-timeout). */
export function optionalTimeout(
  where: string,
  argument: string,
  value: unknown,
): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !(value > 0))
    refuse(where, argument, 'a number of milliseconds > 0', value);
  return value;
}

/** Milliseconds to wait, 0 included (a grace period, a delay). */
export function optionalDelay(where: string, argument: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !(value >= 0))
    refuse(where, argument, 'a number of milliseconds ≥ 0', value);
  return value;
}

export function optionalNumber(
  where: string,
  argument: string,
  value: unknown,
  expected: string,
  accept: (n: number) => boolean,
): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !accept(value)) refuse(where, argument, expected, value);
  return value;
}

export function optionalBoolean(
  where: string,
  argument: string,
  value: unknown,
): boolean | undefined {
  if (value !== undefined && typeof value !== 'boolean')
    refuse(where, argument, 'a boolean', value);
  return value as boolean | undefined;
}

export function optionalOneOf<T extends string>(
  where: string,
  argument: string,
  value: unknown,
  choices: readonly T[],
): T | undefined {
  if (value === undefined) return undefined;
  if (!choices.includes(value as T))
    refuse(where, argument, `one of ${choices.map((c) => `'${c}'`).join(', ')}`, value);
  return value as T;
}

/** A list of token ids: non-negative safe integers, read once into a copy. */
export function tokenIds(where: string, argument: string, value: unknown): number[] {
  if (!Array.isArray(value)) refuse(where, argument, 'an array of token ids', value);
  const ids: number[] = [];
  for (let i = 0; i < value.length; i++)
    ids.push(integer(where, `${argument}[${i}]`, field(where, argument, value, String(i)), 0));
  return ids;
}

/** The options of one actor call: `timeout` (> 0 ms) and `signal` (an AbortSignal). */
export function callOptions(where: string, value: unknown): CallOptions {
  // Most calls pass no options: one shared empty object, nothing read, nothing allocated.
  if (value === undefined) return NO_CALL_OPTIONS;
  const given = options(where, 'options', value);
  const timeout = optionalTimeout(
    where,
    'options.timeout',
    field(where, 'options.timeout', given, 'timeout'),
  );
  const signal = field(where, 'options.signal', given, 'signal');
  if (signal !== undefined && !(signal instanceof AbortSignal))
    refuse(where, 'options.signal', 'an AbortSignal', signal);
  if (signal === undefined) return timeout === undefined ? NO_CALL_OPTIONS : { timeout };
  return timeout === undefined ? { signal } : { timeout, signal };
}

/** The options of a call that has none (frozen: every such call shares it). */
const NO_CALL_OPTIONS: CallOptions = Object.freeze({});

/**
 * Host tensors by name, each `{ dtype, dims, data }` read once into a copy and checked (a known
 * dtype, dims of non-negative integers, data of the dtype's array type and of their size). A wrong
 * one is a FeedError naming the feed.
 */
export function hostFeeds(where: string, value: unknown): Record<string, HostTensor> {
  // This runs on every ask: the checks of `record` and `field` are written out here so that no
  // intermediate copy is built and no argument name is formatted unless it goes into an error.
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    refuse(where, 'feeds', 'an object', value);
  let keys: string[];
  try {
    keys = Object.keys(value);
  } catch (error) {
    throw unreadable(where, 'feeds', error);
  }
  // Every feed is read once, all of them before any is checked.
  const given = new Array<unknown>(keys.length);
  for (let k = 0; k < keys.length; k++) {
    try {
      given[k] = (value as Record<string, unknown>)[keys[k]!];
    } catch (error) {
      throw unreadable(where, `feeds.${keys[k]}`, error);
    }
  }
  const checked: Record<string, HostTensor> = {};
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k]!;
    const feed = given[k];
    const argument = `feeds.${key}`;
    if (typeof feed !== 'object' || feed === null || Array.isArray(feed))
      throw new FeedError(
        `${where}: ${argument} must be a tensor { dtype, dims, data }, got ${describe(feed)}`,
      );
    let dtype: unknown;
    let dims: unknown;
    let data: unknown;
    let reading = 'dtype';
    try {
      dtype = (feed as HostTensor).dtype;
      reading = 'dims';
      dims = (feed as HostTensor).dims;
      reading = 'data';
      data = (feed as HostTensor).data;
    } catch (error) {
      throw unreadable(where, `${argument}.${reading}`, error);
    }
    if (!isDType(dtype))
      throw new FeedError(`${where}: ${argument}.dtype must be a dtype, got ${describe(dtype)}`);
    if (!Array.isArray(dims))
      throw new FeedError(`${where}: ${argument}.dims must be an array, got ${describe(dims)}`);
    let shape: unknown[];
    try {
      // Read element by element into the copy that is checked and used (not Array.from, whose
      // iterator protocol costs more per call than the few dims it copies).
      const length = dims.length;
      shape = new Array(length);
      for (let i = 0; i < length; i++) shape[i] = dims[i];
      assertData(dtype, data, countOf(shape, argument), argument);
    } catch (error) {
      if (error instanceof RoundtableError) throw error;
      throw new FeedError(`${where}: ${(error as Error).message}`);
    }
    checked[key] = { dtype, dims: shape as number[], data } as HostTensor;
  }
  return checked;
}

/**
 * An options object read once into a plain copy of the listed keys (those not undefined), so
 * later checks and uses see one value each; a getter that throws is refused as that option.
 */
export function optionsCopy(
  where: string,
  argument: string,
  value: unknown,
  keys: readonly string[],
): Record<string, unknown> {
  const given = options(where, argument, value);
  const copy: Record<string, unknown> = {};
  for (const key of keys) {
    const read = field(where, `${argument}.${key}`, given, key);
    if (read !== undefined) copy[key] = read;
  }
  return copy;
}

/** A string, the empty one included (a segment of text may be empty). */
export function text(where: string, argument: string, value: unknown): string {
  if (typeof value !== 'string') refuse(where, argument, 'a string', value);
  return value;
}

export function optionalString(
  where: string,
  argument: string,
  value: unknown,
): string | undefined {
  return value === undefined ? undefined : text(where, argument, value);
}

/** An array read once into a copy, each element checked by `check` under `argument[i]`. */
export function list<T>(
  where: string,
  argument: string,
  value: unknown,
  expected: string,
  check: (element: unknown, argument: string) => T,
): T[] {
  if (!Array.isArray(value)) refuse(where, argument, expected, value);
  const length = value.length;
  const copy: T[] = [];
  for (let i = 0; i < length; i++) {
    const element = `${argument}[${i}]`;
    copy.push(check(field(where, element, value, String(i)), element));
  }
  return copy;
}

/** An array of strings, read once into a copy. */
export function strings(where: string, argument: string, value: unknown): string[] {
  return list(where, argument, value, 'an array of strings', (element, at) =>
    text(where, at, element),
  );
}

/** A finite number, or undefined. */
export function optionalFinite(
  where: string,
  argument: string,
  value: unknown,
): number | undefined {
  return optionalNumber(where, argument, value, 'a finite number', Number.isFinite);
}

/**
 * An options argument read once into a copy of its own fields (undefined: no fields), so that
 * what is checked is what the method is given.
 */
export function optionsRecord(
  where: string,
  argument: string,
  value: unknown,
): Record<string, unknown> {
  return value === undefined ? {} : record(where, argument, options(where, argument, value));
}

/** Fields given as undefined are left out, as if not given (`exactOptionalPropertyTypes`). */
export function withoutUndefined(copy: Record<string, unknown>): Record<string, unknown> {
  for (const key of Object.keys(copy)) if (copy[key] === undefined) delete copy[key];
  return copy;
}

/**
 * Most replicas (worker threads) one actor may start. Each is a thread with its own heap and
 * session, so a count in the thousands is a mistake, not a plan; without a bound a huge count
 * would try to build that many workers (or fail inside with an invalid array length).
 */
export const MAX_REPLICAS = 1024;

/** An actor's replica count: an integer from 1 to {@link MAX_REPLICAS}, or undefined (1). */
export function optionalReplicas(
  where: string,
  argument: string,
  value: unknown,
): number | undefined {
  return optionalInteger(where, argument, value, 1, MAX_REPLICAS);
}
