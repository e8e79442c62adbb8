import type { FusedRows, FusionInput, FusionScratch } from './fusion-input.js';
import { exactLogMean } from './log-mean-exact.js';
import { prepareFusion, totalWeight } from './prepare-fusion.js';
import { expRow, scanRow } from './row-scan.js';
import { simdLogMean } from './simd/simd-weighted-mean.js';
import { locateProbsFault } from './weighted-mean.js';

const STRATEGY = 'log mean';

/** Below this a double has lost precision (subnormal): take the exact log-domain path. */
const SMALLEST_NORMAL = 2.2250738585072014e-308;

/**
 * Log of the mean probability, as fairseq ensembles:
 * log(Σ_k w_k softmax(x_k / T_k) / Σ_k w_k), per row. Writes log-probabilities, and the argmax
 * (which is that of the weighted mean of probabilities).
 *
 * Stable: the mean is accumulated as probabilities in float64 and its log taken where the mean
 * is a normal double; where it underflows (every model gives the class less than ~1e-308, or
 * rules it out) the element is recomputed in the log domain with a log-sum-exp over the models,
 * so a class that all models find nearly impossible keeps a finite log-probability such as -900
 * instead of -Infinity. -Infinity comes out only where every model of weight > 0 says -Infinity.
 *
 * With a SIMD workspace in the scratch the mean and its log come from simd/simd-weighted-mean.ts
 * (float32); elements whose mean is below 1e-30 take the exact path there too.
 */
export function fuseLogMean(input: FusionInput, out: FusedRows, scratch: FusionScratch): void {
  const rows = prepareFusion(STRATEGY, input, out, scratch);
  const { kind, classes, outputs } = input;
  const models = outputs.length;
  const weights = scratch.weights;
  const inverseTemperatures = scratch.inverseTemperatures;
  const rowMax = scratch.perModelA;
  const logNormaliser = scratch.perModelB;
  const acc = scratch.accumulator;
  const terms = scratch.row;
  const distribution = out.distribution;
  const argmax = out.argmax;
  const total = totalWeight(scratch, models);
  const scale = 1 / total;
  const logTotal = Math.log(total);
  const simd = scratch.simd;
  if (simd !== null && simdLogMean(simd, input, rows, scratch, total, out)) return;
  for (let r = 0; r < rows; r++) {
    const start = r * classes;
    let first = true;
    for (let k = 0; k < models; k++) {
      const w = weights[k]!;
      if (w === 0) continue;
      const x = outputs[k]!;
      if (kind === 'probs') {
        if (first) for (let j = 0; j < classes; j++) acc[j] = w * x[start + j]!;
        else for (let j = 0; j < classes; j++) acc[j] = acc[j]! + w * x[start + j]!;
      } else {
        const max = x[start + scanRow(STRATEGY, x, start, classes, kind, k, r)]!;
        const sum = expRow(x, start, classes, max, inverseTemperatures[k]!, terms);
        rowMax[k] = max;
        logNormaliser[k] = Math.log(sum);
        const c = w / sum;
        if (first) for (let j = 0; j < classes; j++) acc[j] = c * terms[j]!;
        else for (let j = 0; j < classes; j++) acc[j] = acc[j]! + c * terms[j]!;
      }
      first = false;
    }
    let best = -1;
    let at = 0;
    let check = 0;
    for (let j = 0; j < classes; j++) {
      const p = acc[j]! * scale;
      check += p;
      if (p > best) {
        best = p;
        at = j;
      }
      distribution[start + j] =
        p >= SMALLEST_NORMAL ? Math.log(p) : exactLogMean(input, scratch, start + j, logTotal);
    }
    argmax[r] = at;
    if (
      kind === 'probs' &&
      !(check > Number.NEGATIVE_INFINITY && check < Number.POSITIVE_INFINITY)
    ) {
      locateProbsFault(input, weights, start, r, STRATEGY);
    }
  }
}
