/**
 * The Arena's arguments, checked at the door: a wrong one is an ArgumentError naming it (a
 * descriptor stays a DescriptorError), never a TypeError or RangeError from the allocator. Each
 * argument is read once into the copy that is used, so a getter that changes between reads cannot
 * make the block sized for one shape and labelled with another. This file sits in the arena's
 * layer: the runtime's checks (src/actor/arguments.ts) are above it.
 */

import { ArgumentError, RoundtableError } from '../errors.js';
import { type DType, isDType, type NumericDType } from './dtype.js';
import { countOf } from './tensor-io.js';

/**
 * A plain error thrown while reading or checking `argument` (a getter, a proxy, a range), as
 * `argument`'s ArgumentError; a RoundtableError stays as it is. The hot methods (writeTensor,
 * allocTensor, copyInto) call it from a catch of their own instead of going through atTheDoor:
 * a closure per check was a measurable share of the door's cost on small tensors
 * (docs/architecture.md, "Tensors cross threads as descriptors", the checks).
 */
export function argumentError(where: string, argument: string, error: unknown): RoundtableError {
  if (error instanceof RoundtableError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new ArgumentError(
    message.startsWith(`${where}:`) ? message : `${where}: ${argument}: ${message}`,
    argument,
  );
}

/** Runs `read`; a plain error it throws (a getter, a proxy, a range) becomes `argument`'s ArgumentError. */
export function atTheDoor<T>(where: string, argument: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    throw argumentError(where, argument, error);
  }
}

export function refuse(where: string, argument: string, expected: string, got: unknown): never {
  throw new ArgumentError(`${where}: ${argument} must be ${expected}, got ${show(got)}`, argument);
}

/** A value for a message, without running the caller's code. */
function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.slice(0, 40));
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'undefined')
    return String(value);
  if (value === null) return 'null';
  if (typeof value === 'bigint') return `${value}n`;
  if (Array.isArray(value)) return `an array of ${value.length}`;
  return `a ${typeof value}`;
}

export function dtypeOf(where: string, value: unknown): DType {
  if (!isDType(value)) refuse(where, 'dtype', 'a dtype', value);
  return value;
}

export function numericDTypeOf(where: string, value: unknown): NumericDType {
  if (value === 'string')
    refuse(where, 'dtype', 'a numeric dtype (string tensors: writeTensor/readTensor)', value);
  return dtypeOf(where, value) as NumericDType;
}

/** `dims` read once into a plain array (each entry once); the entries are checked by countOf. */
export function dimsOf(where: string, value: unknown): number[] {
  if (!Array.isArray(value)) refuse(where, 'dims', 'an array of non-negative integers', value);
  try {
    const length = value.length;
    const dims = new Array<number>(length);
    for (let i = 0; i < length; i++) dims[i] = value[i];
    return dims;
  } catch (error) {
    throw argumentError(where, 'dims', error);
  }
}

/** The element count of `shape` (a plain array from dimsOf), or `dims`' ArgumentError. */
export function countOfShape(where: string, shape: readonly number[]): number {
  try {
    return countOf(shape, where);
  } catch (error) {
    throw argumentError(where, 'dims', error);
  }
}

/** String data read once into a plain array (typed arrays are taken as they are: see tensor-io). */
export function stringsOf(where: string, value: unknown): unknown {
  if (!Array.isArray(value)) return value;
  return atTheDoor(where, 'data', () => {
    const length = value.length;
    const copy = new Array<unknown>(length);
    for (let i = 0; i < length; i++) copy[i] = value[i];
    return copy;
  });
}

export interface CheckedArenaOptions {
  readonly slabSize: number | undefined;
  readonly maxBytes: number | undefined;
  readonly maxSlabs: number | undefined;
}

/** The options of Arena.create, each read once. */
export function arenaOptions(value: unknown): CheckedArenaOptions {
  const where = 'Arena.create';
  if (value === undefined) return { slabSize: undefined, maxBytes: undefined, maxSlabs: undefined };
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    refuse(where, 'options', 'an object', value);
  const read = (key: string) =>
    atTheDoor(where, `options.${key}`, () => (value as Record<string, unknown>)[key]);
  const number = (key: string) => {
    const n = read(key);
    if (n !== undefined && typeof n !== 'number') refuse(where, `options.${key}`, 'a number', n);
    return n as number | undefined;
  };
  return {
    slabSize: number('slabSize'),
    maxBytes: number('maxBytes'),
    maxSlabs: number('maxSlabs'),
  };
}
