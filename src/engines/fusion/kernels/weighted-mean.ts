import { FusionError } from '../../../errors.js';
import { addScaled, addTermsScaled, assignScaled, assignTermsScaled } from './accumulate.js';
import type { FusedRows, FusionInput, FusionScratch } from './fusion-input.js';
import { prepareFusion, totalWeight } from './prepare-fusion.js';
import { expRow, scanRow } from './row-scan.js';
import { simdWeightedMean } from './simd/simd-weighted-mean.js';

const STRATEGY = 'weighted mean';

/**
 * Weighted mean of probabilities: p = Σ_k w_k softmax(x_k / T_k) / Σ_k w_k, per row.
 * Writes probabilities (each row sums to 1 when every input row does) and the argmax of p.
 * For kind 'probs' the inputs are averaged as they are, which reads each input once: this is
 * the case that runs near memory speed.
 *
 * With a SIMD workspace in the scratch the rows go through simd/simd-weighted-mean.ts (float32
 * arithmetic); otherwise, or to diagnose a faulty row, through the scalar loops below (float64).
 */
export function fuseWeightedMean(input: FusionInput, out: FusedRows, scratch: FusionScratch): void {
  const rows = prepareFusion(STRATEGY, input, out, scratch);
  const { kind, classes, outputs } = input;
  const models = outputs.length;
  const weights = scratch.weights;
  const inverseTemperatures = scratch.inverseTemperatures;
  const acc = scratch.accumulator;
  const terms = scratch.row;
  const distribution = out.distribution;
  const argmax = out.argmax;
  const total = totalWeight(scratch, models);
  const simd = scratch.simd;
  if (simd !== null && simdWeightedMean(simd, input, rows, scratch, total, out)) return;
  const scale = 1 / total;
  for (let r = 0; r < rows; r++) {
    const start = r * classes;
    let first = true;
    for (let k = 0; k < models; k++) {
      const w = weights[k]!;
      if (w === 0) continue;
      const x = outputs[k]!;
      if (kind === 'probs') {
        if (first) assignScaled(x, start, classes, w, acc);
        else addScaled(x, start, classes, w, acc);
      } else {
        const max = x[start + scanRow(STRATEGY, x, start, classes, kind, k, r)]!;
        const sum = expRow(x, start, classes, max, inverseTemperatures[k]!, terms);
        if (first) assignTermsScaled(terms, classes, w / sum, acc);
        else addTermsScaled(terms, classes, w / sum, acc);
      }
      first = false;
    }
    let best = -1;
    let at = 0;
    let check = 0;
    for (let j = 0; j < classes; j++) {
      const p = acc[j]! * scale;
      distribution[start + j] = p;
      check += p;
      if (p > best) {
        best = p;
        at = j;
      }
    }
    argmax[r] = at;
    // Probabilities were summed unchecked: a NaN or infinity anywhere shows in the row total.
    if (!(check > Number.NEGATIVE_INFINITY && check < Number.POSITIVE_INFINITY))
      locateProbsFault(input, weights, start, r);
  }
}

/** Shared by the kernels that sum probabilities without a per-model check. */
export function locateProbsFault(
  input: FusionInput,
  weights: Float64Array,
  start: number,
  row: number,
  strategy: string = STRATEGY,
): never {
  for (let k = 0; k < input.outputs.length; k++) {
    if (weights[k] === 0) continue;
    scanRow(strategy, input.outputs[k]!, start, input.classes, 'probs', k, row);
  }
  throw new FusionError(
    `${strategy}: the weighted sum of row ${row} overflowed (every input value is finite: are the weights too large?)`,
  );
}
