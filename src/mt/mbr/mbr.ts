import { sentenceChrf } from '../metrics/index.js';

/** How much a hypothesis is worth if `reference` is the true translation (higher is better). */
export type Utility = (hypothesis: string, reference: string) => number;

/** sentence chrF (sacreBLEU's chrF2), the utility MBR uses unless told. */
export const chrfUtility: Utility = (hypothesis, reference) =>
  sentenceChrf(hypothesis, [reference]).score;

export interface MbrOptions {
  readonly utility?: Utility;
  /**
   * How likely each candidate is to be the true translation (any non-negative numbers; they are
   * normalised). Default uniform: every candidate is one sample of the engines' distribution.
   */
  readonly weights?: readonly number[];
}

export interface MbrSelection {
  /** Index of the chosen candidate. */
  readonly index: number;
  /** Expected utility of every candidate against all the others. */
  readonly expected: readonly number[];
}

/** Throws the RangeError that mbrSelect throws for these candidates and weights, if any. */
export function checkMbrInput(
  candidates: readonly string[],
  weights: readonly number[] | undefined,
): void {
  const n = candidates.length;
  if (n === 0) throw new RangeError('mbr: no candidates to choose from');
  if (weights === undefined) return;
  if (weights.length !== n)
    throw new RangeError(`mbr: ${weights.length} weights for ${n} candidates`);
  if (!weights.every((w) => Number.isFinite(w) && w >= 0))
    throw new RangeError('mbr: weights must be finite and non-negative');
}

/**
 * Minimum Bayes risk selection: the candidate with the highest expected utility when the true
 * translation is drawn from the candidates themselves, E[u(c)] = Σ_j w_j u(c, c_j) over the
 * others j. The consensus candidate wins: the one that shares most with what every engine
 * proposed. Duplicates count as separate samples (two engines agreeing is evidence). Ties go to
 * the earlier candidate.
 */
export function mbrSelect(candidates: readonly string[], options: MbrOptions = {}): MbrSelection {
  checkMbrInput(candidates, options.weights);
  const n = candidates.length;
  const utility = options.utility ?? chrfUtility;
  const weights = options.weights ?? candidates.map(() => 1);
  // Utilities of distinct strings only: candidates from several engines often coincide.
  const cache = new Map<string, number>();
  const expected = candidates.map((hypothesis, i) => {
    let sum = 0;
    let mass = 0;
    candidates.forEach((reference, j) => {
      if (i === j) return;
      const key = `${hypothesis}\u0000${reference}`;
      let u = cache.get(key);
      if (u === undefined) {
        u = utility(hypothesis, reference);
        cache.set(key, u);
      }
      sum += weights[j]! * u;
      mass += weights[j]!;
    });
    return mass > 0 ? sum / mass : 0;
  });
  let index = 0;
  for (let i = 1; i < n; i++) if (expected[i]! > expected[index]!) index = i;
  return { index, expected };
}
