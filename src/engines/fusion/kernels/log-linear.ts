import { FusionError } from '../../../errors.js';
import { addScaled, assignScaled } from './accumulate.js';
import { fastExp } from './fast-exp.js';
import type { FusedRows, FusionInput, FusionScratch } from './fusion-input.js';
import { prepareFusion } from './prepare-fusion.js';
import { scanRow } from './row-scan.js';
import { simdLogLinear } from './simd/simd-log-linear.js';

const STRATEGY = 'log-linear';

/**
 * Log-linear fusion, as Marian ensembles: s = Σ_k w_k log_softmax(x_k / T_k), then each row is
 * renormalised. Writes log-probabilities (log_softmax of s) and the argmax of s.
 *
 * The weights are used as given, not normalised (as in Marian): their sum scales the summed
 * scores like an inverse temperature. Normalise them first for a weighted geometric mean.
 *
 * Why it is cheap: log_softmax(x/T) differs from x/T by a per-row constant, and a per-row constant
 * disappears in the final renormalisation, so s is renormalised straight from Σ_k (w_k / T_k)·x_k.
 * That is one exp per fused element, not one per model and element. (For kind 'probs' it is one
 * log per input element instead.) A class that some model of weight > 0 rules out (-Infinity)
 * is ruled out; a row where the models leave no class possible is a {@link FusionError}.
 *
 * With a SIMD workspace in the scratch, logits and logprobs go through simd/simd-log-linear.ts (float32
 * arithmetic); probs, and the diagnosis of a faulty row, through the scalar loops below.
 */
export function fuseLogLinear(input: FusionInput, out: FusedRows, scratch: FusionScratch): void {
  const rows = prepareFusion(STRATEGY, input, out, scratch);
  const { kind, classes, outputs } = input;
  const models = outputs.length;
  const weights = scratch.weights;
  const inverseTemperatures = scratch.inverseTemperatures;
  const acc = scratch.accumulator;
  const distribution = out.distribution;
  const argmax = out.argmax;
  const simd = scratch.simd;
  if (simd !== null && kind !== 'probs' && simdLogLinear(simd, input, rows, scratch, out)) return;
  for (let r = 0; r < rows; r++) {
    const start = r * classes;
    let first = true;
    for (let k = 0; k < models; k++) {
      const w = weights[k]!;
      if (w === 0) continue;
      const x = outputs[k]!;
      if (kind === 'probs') {
        if (first) assignLogScaled(x, start, classes, w, acc);
        else addLogScaled(x, start, classes, w, acc);
      } else {
        const c = w * inverseTemperatures[k]!;
        if (first) assignScaled(x, start, classes, c, acc);
        else addScaled(x, start, classes, c, acc);
      }
      first = false;
    }
    // The sum is NaN or +Infinity iff some summed input was (w > 0, so no 0·∞ appears).
    let best = acc[0]!;
    let at = 0;
    let check = best;
    for (let j = 1; j < classes; j++) {
      const s = acc[j]!;
      check += s;
      if (s > best) {
        best = s;
        at = j;
      }
    }
    if (
      Number.isNaN(check) ||
      check === Number.POSITIVE_INFINITY ||
      best === Number.NEGATIVE_INFINITY
    ) {
      explainRow(input, weights, start, r, best === Number.NEGATIVE_INFINITY);
    }
    let sum = 0;
    for (let j = 0; j < classes; j++) sum += fastExp(acc[j]! - best);
    const normaliser = best + Math.log(sum);
    for (let j = 0; j < classes; j++) distribution[start + j] = acc[j]! - normaliser;
    argmax[r] = at;
  }
}

function assignLogScaled(x: Float32Array, start: number, n: number, w: number, acc: Float64Array) {
  for (let j = 0; j < n; j++) acc[j] = w * Math.log(x[start + j]!);
}

function addLogScaled(x: Float32Array, start: number, n: number, w: number, acc: Float64Array) {
  for (let j = 0; j < n; j++) acc[j] = acc[j]! + w * Math.log(x[start + j]!);
}

/** Slow path: name the model and value that spoiled the row, or say that no class is left. */
function explainRow(
  input: FusionInput,
  weights: Float64Array,
  start: number,
  row: number,
  ruledOut: boolean,
): never {
  const { kind, classes, outputs } = input;
  for (let k = 0; k < outputs.length; k++) {
    if (weights[k] === 0) continue;
    const x = outputs[k]!;
    scanRow(STRATEGY, x, start, classes, kind, k, row);
    if (kind === 'probs') {
      for (let j = 0; j < classes; j++) {
        if (x[start + j]! < 0) {
          throw new FusionError(
            `${STRATEGY}: output of model ${k} has ${x[start + j]} at row ${row}, class ${j} (expected a probability ≥ 0)`,
          );
        }
      }
      let positive = false;
      for (let j = 0; j < classes && !positive; j++) positive = x[start + j]! > 0;
      if (!positive) {
        throw new FusionError(
          `${STRATEGY}: output of model ${k} gives every class probability 0 at row ${row}`,
        );
      }
    }
  }
  if (!ruledOut) {
    throw new FusionError(
      `${STRATEGY}: the weighted sum of row ${row} overflowed (every input value is finite: are the weights too large?)`,
    );
  }
  throw new FusionError(
    `${STRATEGY}: at row ${row} every class is ruled out (-Infinity) by at least one model of weight > 0`,
  );
}
