/**
 * Restart options (`maxRestarts`, `withinMs`, `backoffMs`, `maxBackoffMs`, `jitter`) checked at
 * the door and read once into the copy that is used. It sits in the actor layer so that an engine
 * spawned directly (not through the runtime) checks them the same way.
 */

import {
  optionalDelay,
  optionalInteger,
  optionalNumber,
  optionalTimeout,
  options,
  record,
} from './arguments.js';

export function checkRestart<T>(where: string, argument: string, value: T): T {
  if (value === undefined) return value;
  const copy = record(where, argument, options(where, argument, value));
  const read = (key: string) => copy[key];
  optionalInteger(where, `${argument}.maxRestarts`, read('maxRestarts'), 0);
  optionalTimeout(where, `${argument}.withinMs`, read('withinMs'));
  optionalDelay(where, `${argument}.backoffMs`, read('backoffMs'));
  optionalDelay(where, `${argument}.maxBackoffMs`, read('maxBackoffMs'));
  optionalNumber(
    where,
    `${argument}.jitter`,
    read('jitter'),
    'a number from 0 to 1',
    (n) => n >= 0 && n <= 1,
  );
  return copy as T;
}
