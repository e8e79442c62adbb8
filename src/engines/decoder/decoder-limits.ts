import { DecoderBudgetError, FeedError } from '../../errors.js';

/**
 * What a decoder actor checks on the caller's thread before a message leaves: token ids inside
 * the vocabulary, positions inside the model's context, cache bytes inside the actor's budget.
 * Each refusal names the actor and what was asked.
 */

/** Token ids are integers in [0, vocab). */
export function checkIds(
  actor: string,
  vocab: number,
  what: string,
  rows: readonly (readonly number[])[],
): void {
  for (const row of rows) {
    for (const id of row) {
      if (!Number.isInteger(id) || id < 0 || id >= vocab) {
        throw new FeedError(
          `decoder "${actor}": ${what} holds ${id}; token ids are integers in [0, ${vocab})`,
        );
      }
    }
  }
}

/** Positions past the model's context would index past its position table: refused here. */
export function checkContext(
  actor: string,
  context: number | undefined,
  length: number,
  adding: number,
): void {
  if (context !== undefined && length + adding > context) {
    throw new FeedError(
      `decoder "${actor}": ${length} + ${adding} positions are past the model's context length of ${context}`,
    );
  }
}

/** `adding` bytes more of cache stay within `limit` (none: no limit) over the `held` bytes of `open` sequences. */
export function checkBudget(
  actor: string,
  limit: number | undefined,
  held: number,
  open: number,
  adding: number,
  what: string,
): void {
  if (limit === undefined) return;
  if (held + adding > limit) {
    throw new DecoderBudgetError(
      `decoder "${actor}": ${what} would hold ${held + adding} bytes of cache, over its budget of ${limit} (${held} held by ${open} sequences)`,
    );
  }
}
