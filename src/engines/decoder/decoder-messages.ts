import type { StepPositions } from './decoder-protocol.js';
import type { Asked } from './decoder-replica.js';
import type { StepOptions } from './decoder-types.js';

/**
 * The messages a decoder actor sends about a sequence, built from arguments already checked: each
 * a function of the message id the replica's core gives it.
 */
export type MessageBuilder = (id: number) => Asked;

/** The options of an open or step as the worker takes them; a bad `positions` is refused here. */
export function stepFields(
  actor: string,
  options: StepOptions,
): { topK?: number; positions?: StepPositions } {
  const { topK, positions } = options;
  if (positions !== undefined && positions !== 'last' && positions !== 'all') {
    throw new RangeError(
      `decoder "${actor}": positions must be 'last' or 'all', got ${JSON.stringify(positions)}`,
    );
  }
  return {
    ...(topK !== undefined ? { topK } : {}),
    ...(positions !== undefined ? { positions } : {}),
  };
}

/** One row or several as rows. */
export function asRows(
  ids: readonly number[] | readonly (readonly number[])[],
): readonly (readonly number[])[] {
  return Array.isArray(ids[0])
    ? (ids as readonly (readonly number[])[])
    : [ids as readonly number[]];
}

export function openMessage(
  seq: number,
  rows: readonly (readonly number[])[],
  source: readonly (readonly number[])[] | undefined,
  fields: ReturnType<typeof stepFields>,
): MessageBuilder {
  return (id) => ({
    type: 'open',
    id,
    seq,
    rows,
    ...(source ? { source } : {}),
    ...fields,
  });
}

export function stepMessage(
  seq: number,
  generation: number,
  tokens: readonly (readonly number[])[],
  fields: ReturnType<typeof stepFields>,
  rewind: number,
): MessageBuilder {
  return (id) => ({
    type: 'step',
    id,
    seq,
    generation,
    tokens,
    ...fields,
    ...(rewind > 0 ? { rewind } : {}),
  });
}

export function proposeMessage(
  seq: number,
  generation: number,
  tokens: readonly number[],
  checked: Omit<
    Extract<Asked, { type: 'propose' }>,
    'type' | 'id' | 'seq' | 'generation' | 'tokens'
  >,
): MessageBuilder {
  return (id) => ({ type: 'propose', id, seq, generation, tokens, ...checked });
}

export function reorderMessage(seq: number, generation: number, rows: number[]): MessageBuilder {
  return (id) => ({ type: 'reorder', id, seq, generation, rows });
}

export function rewindMessage(seq: number, generation: number, count: number): MessageBuilder {
  return (id) => ({ type: 'rewind', id, seq, generation, count });
}

export function closeMessage(seq: number): MessageBuilder {
  return (id) => ({ type: 'close', id, seq });
}
