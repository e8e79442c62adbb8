import { ArgumentError } from '../errors.js';

/**
 * Checks of the model builders' options (roundtable/models), each naming the option when it is
 * wrong: an ArgumentError whose `argument` is `options.<name>`, never a TypeError or RangeError.
 */

function refuse(option: string, expected: string, value: unknown): never {
  const shown = typeof value === 'number' ? String(value) : typeof value;
  throw new ArgumentError(`${option} must be ${expected}, got ${shown}`, `options.${option}`);
}

/** The options object of a builder: a plain object, read by the builder's own checks. */
export function requireOptions<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new ArgumentError(
      `options must be an object, got ${value === null ? 'null' : typeof value}`,
      'options',
    );
  return value;
}

export function requireInteger(option: string, value: number, min: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min)
    refuse(option, `an integer >= ${min}`, value);
  return value;
}

export function requireFinite(option: string, value: number, min = -Infinity): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min)
    refuse(option, `a finite number >= ${min}`, value);
  return value;
}

/** Seeds name models in files and manifests, so they must be plain integers. */
export function requireSeed(value: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value))
    refuse('seed', 'a safe integer', value);
  return value;
}

export function requirePositive(option: string, value: number): number {
  requireFinite(option, value);
  if (value <= 0) refuse(option, 'greater than 0', value);
  return value;
}

/** A value out of the range other options allow (`distinctWeights` at most `layers`). */
export function outOfRange(option: string, message: string): never {
  throw new ArgumentError(message, `options.${option}`);
}

/** The folder a builder writes into: a non-empty path. */
export function requireDir(value: string): string {
  if (typeof value !== 'string' || value === '')
    throw new ArgumentError(
      `dir must be a folder's path, got ${typeof value === 'string' ? 'an empty string' : typeof value}`,
      'dir',
    );
  return value;
}
