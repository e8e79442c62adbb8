/**
 * The fuzzy-match score of CAT tools (OmegaT's `FuzzyMatcher.calcSimilarity`):
 *
 *   score = 100 × (L − d) / L, with L the longer token count and d the token Levenshtein distance,
 *
 * rounded down to an integer so that nothing short of identical reaches 100.
 */
export function similarity(lengthA: number, lengthB: number, distance: number): number {
  const longest = Math.max(lengthA, lengthB);
  if (longest === 0) return 0;
  return Math.floor((100 * (longest - distance)) / longest);
}

/** The largest distance that still scores at least `min` when the longer side has `longest` tokens. */
export function maxDistanceFor(longest: number, min: number): number {
  // A tiny epsilon absorbs the float error of e.g. 20 × 0.25.
  return Math.floor((longest * (100 - min)) / 100 + 1e-9);
}

/** Two DP rows reused across calls: a lookup scores thousands of candidates. */
let rowA = new Int32Array(256);
let rowB = new Int32Array(256);

/**
 * Levenshtein distance between two token sequences given as integer ids, or `limit + 1` as soon
 * as it is known to exceed `limit`. Only the diagonal band |i − j| ≤ limit can hold a path of cost
 * ≤ limit (Ukkonen), so the work is O(limit · length) rather than O(length²).
 */
export function boundedTokenDistance(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  limit: number,
): number {
  const n = a.length;
  const m = b.length;
  if (Math.abs(n - m) > limit) return limit + 1;
  if (n === 0 || m === 0) return Math.max(n, m);
  const over = limit + 1;
  if (rowA.length < m + 1) {
    rowA = new Int32Array(2 * (m + 1));
    rowB = new Int32Array(2 * (m + 1));
  }
  let previous = rowA;
  let current = rowB;
  for (let j = 0; j <= m; j++) previous[j] = j <= limit ? j : over;
  for (let i = 1; i <= n; i++) {
    const from = Math.max(1, i - limit);
    const to = Math.min(m, i + limit);
    current[from - 1] = from === 1 && i <= limit ? i : over;
    let rowMin = current[from - 1]!;
    const ai = a[i - 1];
    for (let j = from; j <= to; j++) {
      const substitute = previous[j - 1]! + (ai === b[j - 1] ? 0 : 1);
      const remove = (j <= i - 1 + limit ? previous[j]! : over) + 1;
      const insert = current[j - 1]! + 1;
      const best = Math.min(substitute, remove, insert, over);
      current[j] = best;
      if (best < rowMin) rowMin = best;
    }
    if (to < m) current[to + 1] = over;
    if (rowMin > limit) return over;
    const swap = previous;
    previous = current;
    current = swap;
  }
  const distance = previous[m]!;
  return distance > limit ? over : distance;
}
