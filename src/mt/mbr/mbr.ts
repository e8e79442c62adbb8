import * as args from '../../actor/arguments.js';
import { ArgumentError } from '../../errors.js';
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

/** The candidates and weights of a selection, read once into copies and checked. */
export interface MbrInput {
  readonly candidates: readonly string[];
  readonly weights: readonly number[] | undefined;
}

/**
 * The checked copies of `candidates` and `weights`, or the ArgumentError that names the wrong one
 * (`candidates[2]`, `options.weights`): no candidates, weights of the wrong length or sign.
 */
export function checkMbrInput(where: string, candidates: unknown, weights: unknown): MbrInput {
  const copy = args.strings(where, 'candidates', candidates);
  const n = copy.length;
  if (n === 0) args.refuse(where, 'candidates', 'a non-empty array of strings', candidates);
  if (weights === undefined) return { candidates: copy, weights: undefined };
  const checked = args.list(where, 'options.weights', weights, 'an array of numbers', (w, at) => {
    if (typeof w !== 'number' || !(Number.isFinite(w) && w >= 0))
      args.refuse(where, at, 'a finite number ≥ 0', w);
    return w;
  });
  if (checked.length !== n)
    throw new ArgumentError(
      `${where}: ${checked.length} weights for ${n} candidates`,
      'options.weights',
    );
  return { candidates: copy, weights: checked };
}

/**
 * Minimum Bayes risk selection: the candidate with the highest expected utility when the true
 * translation is drawn from the candidates themselves, E[u(c)] = Σ_j w_j u(c, c_j) over the
 * others j. The consensus candidate wins: the one that shares most with what every engine
 * proposed. Duplicates count as separate samples (two engines agreeing is evidence). Ties go to
 * the earlier candidate.
 */
export function mbrSelect(given: readonly string[], options: MbrOptions = {}): MbrSelection {
  const where = 'mbrSelect';
  const o = args.optionsCopy(where, 'options', options, ['utility', 'weights']);
  if (o.utility !== undefined && typeof o.utility !== 'function')
    args.refuse(
      where,
      'options.utility',
      'a function (hypothesis, reference) => number',
      o.utility,
    );
  const input = checkMbrInput(where, given, o.weights);
  const candidates = input.candidates;
  const n = candidates.length;
  const utility = (o.utility as Utility | undefined) ?? chrfUtility;
  const weights = input.weights ?? candidates.map(() => 1);
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
