import type { FusedKind, FusedRows, FusionInput, FusionScratch } from './kernels/fusion-input.js';
import { prepareFusion } from './kernels/prepare-fusion.js';
import { expRow, scanRow } from './kernels/row-scan.js';
import { simdAgreement } from './kernels/simd/simd-agreement.js';

const WHAT = 'agreement';

/** Per model: how much it agreed with the fused output. Allocated once by the caller. */
export interface Agreement {
  /** Per model: the fraction of rows whose argmax equals the fused argmax, in [0, 1]. */
  readonly argmaxAgreement: Float64Array;
  /**
   * Per model: the mean over rows of the total-variation distance ½ Σ_j |p_j − q_j| between the
   * model's distribution p (softmax(x / T), or the probs as given) and the fused q, in [0, 1].
   */
  readonly meanTotalVariation: Float64Array;
}

/**
 * For the trace: how much each model agreed with the fused result. Every model counts, including
 * models of weight 0 (a model left out can still be compared with the result); the temperatures
 * of the input apply, as the fusion saw the models. A model's argmax is the first index of its
 * maximum, as in the kernels. Total variation rather than Jensen–Shannon: it needs no log, is
 * bounded by 1 and reads as "the probability mass that would have to move".
 *
 * Allocation-free: `scratch` is the kernels' scratch; with its SIMD workspace the work runs in
 * kernels/simd/simd-agreement.ts (float32). Faults in the inputs (NaN, +Infinity) throw the same
 * FusionError as the kernels.
 */
export function measureAgreement(
  input: FusionInput,
  fused: FusedRows,
  fusedKind: FusedKind,
  out: Agreement,
  scratch: FusionScratch,
): void {
  // Agreement ignores weights: validate them as given, but every model is measured.
  const rows = prepareFusion(WHAT, input, fused, scratch);
  const models = input.outputs.length;
  if (out.argmaxAgreement.length < models || out.meanTotalVariation.length < models) {
    throw new RangeError(`${WHAT}: the result arrays must hold ${models} models`);
  }
  if (fusedKind !== 'probs' && fusedKind !== 'logprobs') {
    throw new TypeError(
      `${WHAT}: fused kind must be 'probs' or 'logprobs', got ${String(fusedKind)}`,
    );
  }
  const matches = out.argmaxAgreement;
  const distance = out.meanTotalVariation;
  matches.fill(0, 0, models);
  distance.fill(0, 0, models);
  const simd = scratch.simd;
  if (simd === null || !simdAgreement(simd, input, fused, fusedKind, rows, scratch, out)) {
    matches.fill(0, 0, models);
    distance.fill(0, 0, models);
    scalarAgreement(input, fused, fusedKind, rows, out, scratch);
  }
  if (rows > 0) {
    for (let k = 0; k < models; k++) {
      matches[k] = matches[k]! / rows;
      distance[k] = distance[k]! / rows;
    }
  }
}

/** The sums of measureAgreement with scalar loops (float64), and the faults' diagnosis. */
function scalarAgreement(
  input: FusionInput,
  fused: FusedRows,
  fusedKind: FusedKind,
  rows: number,
  out: Agreement,
  scratch: FusionScratch,
): void {
  const { kind, classes, outputs } = input;
  const models = outputs.length;
  const matches = out.argmaxAgreement;
  const distance = out.meanTotalVariation;
  const fusedRow = scratch.accumulator;
  const terms = scratch.row;
  const distribution = fused.distribution;
  for (let r = 0; r < rows; r++) {
    const start = r * classes;
    if (fusedKind === 'logprobs') {
      for (let j = 0; j < classes; j++) fusedRow[j] = Math.exp(distribution[start + j]!);
    } else {
      for (let j = 0; j < classes; j++) fusedRow[j] = distribution[start + j]!;
    }
    const fusedArgmax = fused.argmax[r];
    for (let k = 0; k < models; k++) {
      const x = outputs[k]!;
      const at = scanRow(WHAT, x, start, classes, kind, k, r);
      if (at === fusedArgmax) matches[k] = matches[k]! + 1;
      let gap = 0;
      if (kind === 'probs') {
        for (let j = 0; j < classes; j++) gap += Math.abs(x[start + j]! - fusedRow[j]!);
      } else {
        const max = x[start + at]!;
        const sum = expRow(x, start, classes, max, scratch.inverseTemperatures[k]!, terms);
        const scale = 1 / sum;
        for (let j = 0; j < classes; j++) gap += Math.abs(terms[j]! * scale - fusedRow[j]!);
      }
      distance[k] = distance[k]! + 0.5 * gap;
    }
  }
}
