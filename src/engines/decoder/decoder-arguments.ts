/**
 * The arguments of a decoder actor's public methods, checked at the door (see
 * src/actor/arguments.ts) and read once into copies: token ids, sequence handles, step options.
 * Whether an id is inside the vocabulary is the actor's own check.
 */

import {
  field,
  integer,
  optionalInteger,
  options,
  refuse,
  tokenIds,
} from '../../actor/arguments.js';
import type { SequenceHandle, StepOptions } from './decoder-types.js';

/**
 * Rows of token ids, all of one length and not empty. A flat list is one row (`'row'`, a prompt)
 * or one token for each row (`'column'`, a step).
 */
export function tokenRows(
  where: string,
  argument: string,
  value: unknown,
  flat: 'row' | 'column',
): number[][] {
  if (!Array.isArray(value) || value.length === 0)
    refuse(where, argument, 'a non-empty array of token ids, or of rows of them', value);
  const first = field(where, `${argument}[0]`, value, '0');
  let rows: number[][];
  if (Array.isArray(first)) {
    rows = [];
    for (let i = 0; i < value.length; i++)
      rows.push(
        tokenIds(where, `${argument}[${i}]`, field(where, `${argument}[${i}]`, value, String(i))),
      );
  } else {
    const ids = tokenIds(where, argument, value);
    rows = flat === 'row' ? [ids] : ids.map((id) => [id]);
  }
  const width = rows[0]!.length;
  if (width === 0) refuse(where, `${argument}[0]`, 'a non-empty row of token ids', rows[0]);
  rows.forEach((row, i) => {
    if (row.length !== width)
      refuse(where, `${argument}[${i}]`, `a row of ${width} token ids, as row 0`, row);
  });
  return rows;
}

/** A handle as open() or step() returned it, read once into a copy. */
export function sequenceHandle(where: string, value: unknown): SequenceHandle {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    refuse(where, 'handle', 'a sequence handle from open() or step()', value);
  const actor = field(where, 'handle.actor', value, 'actor');
  if (typeof actor !== 'string') refuse(where, 'handle.actor', 'a decoder name', actor);
  const read = (key: string) =>
    integer(where, `handle.${key}`, field(where, `handle.${key}`, value, key), 0);
  return {
    actor,
    id: read('id'),
    generation: read('generation'),
    rows: read('rows'),
    length: read('length'),
  };
}

export function stepOptions(where: string, value: unknown): StepOptions {
  const given = options(where, 'options', value);
  const topK = optionalInteger(
    where,
    'options.topK',
    field(where, 'options.topK', given, 'topK'),
    1,
  );
  const positions = field(where, 'options.positions', given, 'positions');
  if (positions !== undefined && positions !== 'last' && positions !== 'all')
    refuse(where, 'options.positions', "'last' or 'all'", positions);
  const rewind = optionalInteger(
    where,
    'options.rewind',
    field(where, 'options.rewind', given, 'rewind'),
    0,
  );
  return {
    ...(topK === undefined ? {} : { topK }),
    ...(positions === undefined ? {} : { positions: positions as 'last' | 'all' }),
    ...(rewind === undefined || rewind === 0 ? {} : { rewind }),
  };
}

/** Proposals one message may ask for: a bound on the work a wrong count could start in a worker. */
export const MAX_PROPOSALS = 1024;

/** A proposal's options as the worker takes them: count ≥ 1, rewind ≥ 0, one uniform per token. */
export function proposeOptions(
  where: string,
  value: unknown,
): {
  count: number;
  rewind: number;
  distributions: boolean;
  sampling?: { uniforms: number[]; temperature: number };
} {
  const given = options(where, 'options', value);
  const count = integer(
    where,
    'options.count',
    field(where, 'options.count', given, 'count'),
    1,
    MAX_PROPOSALS,
  );
  const rewind =
    optionalInteger(where, 'options.rewind', field(where, 'options.rewind', given, 'rewind'), 0) ??
    0;
  const distributions = field(where, 'options.distributions', given, 'distributions');
  if (distributions !== undefined && typeof distributions !== 'boolean')
    refuse(where, 'options.distributions', 'true or false', distributions);
  const sampling = field(where, 'options.sampling', given, 'sampling');
  let checked: { uniforms: number[]; temperature: number } | undefined;
  if (sampling !== undefined) {
    const read = options(where, 'options.sampling', sampling);
    const temperature = field(where, 'options.sampling.temperature', read, 'temperature');
    if (typeof temperature !== 'number' || !(temperature > 0) || !Number.isFinite(temperature))
      refuse(where, 'options.sampling.temperature', 'a finite number > 0', temperature);
    const list = field(where, 'options.sampling.uniforms', read, 'uniforms');
    const expected = `${count} numbers in [0, 1), one per proposal`;
    if (!Array.isArray(list) || list.length !== count)
      refuse(where, 'options.sampling.uniforms', expected, list);
    // Each element read once, through field(): a getter cannot change it between check and use.
    const uniforms: number[] = [];
    for (let i = 0; i < count; i++) {
      const u = field(where, `options.sampling.uniforms[${i}]`, list, String(i));
      if (typeof u !== 'number' || !(u >= 0 && u < 1))
        refuse(where, `options.sampling.uniforms[${i}]`, 'a number in [0, 1)', u);
      uniforms.push(u);
    }
    checked = { uniforms, temperature: temperature as number };
  }
  return {
    count,
    rewind,
    distributions: distributions === true,
    ...(checked ? { sampling: checked } : {}),
  };
}
