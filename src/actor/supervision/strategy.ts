/**
 * What a supervisor restarts when one of its children dies, as in Erlang/OTP:
 * - 'one-for-one': only what died (for a model actor, only the dead replica);
 * - 'one-for-all': every child, for children that only work together;
 * - 'rest-for-one': the child that died and every child listed after it, for children listed in
 *   the order they depend on each other (a later child uses an earlier one).
 */
export type Strategy = 'one-for-one' | 'one-for-all' | 'rest-for-one';

export const STRATEGIES: readonly Strategy[] = ['one-for-one', 'one-for-all', 'rest-for-one'];

/** Indices of the children restarted when child `dead` of `count` dies, in order. */
export function affectedChildren(strategy: Strategy, count: number, dead: number): number[] {
  if (!Number.isInteger(dead) || dead < 0 || dead >= count) {
    throw new RangeError(`child ${dead} is not one of the ${count} children`);
  }
  switch (strategy) {
    case 'one-for-one':
      return [dead];
    case 'one-for-all':
      return Array.from({ length: count }, (_, i) => i);
    case 'rest-for-one':
      return Array.from({ length: count - dead }, (_, i) => dead + i);
  }
}
