import { fastExp } from './fast-exp.js';
import type { FusionInputKind } from './fusion-input.js';
import { throwRowFault } from './row-faults.js';

/**
 * One pass over a model's row: its argmax (first index of the maximum), and the check that the row
 * can be fused. The check rides on a running sum, which is NaN or +Infinity as soon as one value is
 * NaN or +Infinity: one add per element instead of a test, and the row is searched for the culprit
 * only when the sum says there is one. -Infinity is an impossible class in logits and logprobs
 * (an error only if the whole row is -Infinity) but an error in probs.
 */
export function scanRow(
  strategy: string,
  x: Float32Array,
  start: number,
  classes: number,
  kind: FusionInputKind,
  model: number,
  row: number,
): number {
  let best = x[start]!;
  let at = 0;
  let sum = best;
  for (let j = 1; j < classes; j++) {
    const v = x[start + j]!;
    sum += v;
    if (v > best) {
      best = v;
      at = j;
    }
  }
  if (
    Number.isNaN(sum) ||
    sum === Number.POSITIVE_INFINITY ||
    (kind === 'probs' ? sum === Number.NEGATIVE_INFINITY : best === Number.NEGATIVE_INFINITY)
  ) {
    throwRowFault(strategy, x, start, classes, kind, model, row);
  }
  return at;
}

/**
 * Writes the unnormalised softmax terms exp((x_j - max)·invT) of a row into `terms` and returns
 * their sum, which is ≥ 1 because the maximum's term is exactly 1. `max` is the row maximum
 * found by {@link scanRow}; -Infinity entries give 0.
 */
export function expRow(
  x: Float32Array,
  start: number,
  classes: number,
  max: number,
  inverseTemperature: number,
  terms: Float64Array,
): number {
  let sum = 0;
  for (let j = 0; j < classes; j++) {
    const e = fastExp((x[start + j]! - max) * inverseTemperature);
    terms[j] = e;
    sum += e;
  }
  return sum;
}
