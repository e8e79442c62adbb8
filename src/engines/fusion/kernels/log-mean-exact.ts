import type { FusedRows, FusionInput, FusionScratch } from './fusion-input.js';
import { expRow, scanRow } from './row-scan.js';

/**
 * The exact path of the log of the mean probability, for elements whose mean underflows:
 * log(Σ_k w_k p_k / W) by log-sum-exp over the models of log w_k + log p_k, in float64. It needs,
 * per model of the row, the maximum (scratch.perModelA) and the log-normaliser
 * (scratch.perModelB) of x / T; for kind 'probs' nothing.
 */
export function exactLogMean(
  input: FusionInput,
  scratch: FusionScratch,
  index: number,
  logTotal: number,
): number {
  const models = input.outputs.length;
  let top = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < models; k++) {
    const term = logTerm(input, scratch, k, index);
    if (term > top) top = term;
  }
  if (top === Number.NEGATIVE_INFINITY) return top;
  let sum = 0;
  for (let k = 0; k < models; k++) sum += Math.exp(logTerm(input, scratch, k, index) - top);
  return top + Math.log(sum) - logTotal;
}

/** log w_k + log p_k at one element; -Infinity for a model of weight 0. */
function logTerm(input: FusionInput, scratch: FusionScratch, k: number, index: number): number {
  const w = scratch.weights[k]!;
  if (w === 0) return Number.NEGATIVE_INFINITY;
  const v = input.outputs[k]![index]!;
  if (input.kind === 'probs') return Math.log(w) + Math.log(v);
  const logP =
    (v - scratch.perModelA[k]!) * scratch.inverseTemperatures[k]! - scratch.perModelB[k]!;
  return Math.log(w) + logP;
}

/**
 * For the SIMD path: recomputes exactly the elements of a fused row whose float32 log is below
 * `below` (their mean was too small for float32), after loading the row's per-model statistics.
 */
export function recomputeSmallLogs(
  strategy: string,
  input: FusionInput,
  scratch: FusionScratch,
  out: FusedRows,
  row: number,
  below: number,
  logTotal: number,
): void {
  const { kind, classes, outputs } = input;
  const start = row * classes;
  if (kind !== 'probs') {
    for (let k = 0; k < outputs.length; k++) {
      if (scratch.weights[k] === 0) continue;
      const x = outputs[k]!;
      const max = x[start + scanRow(strategy, x, start, classes, kind, k, row)]!;
      scratch.perModelA[k] = max;
      const sum = expRow(x, start, classes, max, scratch.inverseTemperatures[k]!, scratch.row);
      scratch.perModelB[k] = Math.log(sum);
    }
  }
  const distribution = out.distribution;
  for (let j = 0; j < classes; j++) {
    if (distribution[start + j]! < below) {
      distribution[start + j] = exactLogMean(input, scratch, start + j, logTotal);
    }
  }
}
