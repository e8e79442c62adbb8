import type { FusedRows, FusionInput, FusionScratch } from '../fusion-input.js';
import { recomputeSmallLogs } from '../log-mean-exact.js';
import { MAX_COMBINED } from './simd-module.js';
import { activeModels, type SimdWorkspace } from './simd-workspace.js';

/**
 * Below this a float32 mean may have lost terms that underflowed float32 (exp of less than
 * −87.3 is 0 there); the log of the mean recomputes such elements exactly.
 */
const SMALLEST_MEAN = 1e-30;
/** The float32 log of a mean below {@link SMALLEST_MEAN} is below this (with margin). */
const SMALL_LOG = Math.log(SMALLEST_MEAN) + 1e-3;

/**
 * The weighted mean of probabilities on the SIMD path: per chunk, each model's rows are loaded
 * (logits: max, exp in place, 1/Σexp folded into the model's per-row weight w_k / (W·Σexp)),
 * then combined four models at a time, the last combination taking the fused argmax. float32
 * arithmetic, softmax sums in float64. False when a row fails a check: the caller then runs the
 * scalar kernel, which names the fault.
 */
export function simdWeightedMean(
  simd: SimdWorkspace,
  input: FusionInput,
  rows: number,
  scratch: FusionScratch,
  total: number,
  out: FusedRows,
): boolean {
  return meanOfProbabilities(simd, input, rows, scratch, total, out, false);
}

/**
 * The log of the mean probability on the SIMD path: the mean as above, its log by the rowLog
 * kernel; rows that have elements below 1e-30 get those recomputed exactly in float64.
 */
export function simdLogMean(
  simd: SimdWorkspace,
  input: FusionInput,
  rows: number,
  scratch: FusionScratch,
  total: number,
  out: FusedRows,
): boolean {
  return meanOfProbabilities(simd, input, rows, scratch, total, out, true);
}

function meanOfProbabilities(
  simd: SimdWorkspace,
  input: FusionInput,
  rows: number,
  scratch: FusionScratch,
  total: number,
  out: FusedRows,
  log: boolean,
): boolean {
  const { kind, classes, outputs } = input;
  const { weights, inverseTemperatures } = scratch;
  const active = activeModels(weights, outputs.length);
  for (let r0 = 0; r0 < rows; r0 += simd.chunkRows) {
    const n = Math.min(simd.chunkRows, rows - r0);
    let slot = 0;
    let taken = 0;
    for (let k = 0; k < outputs.length; k++) {
      const w = weights[k]!;
      if (w === 0) continue;
      simd.load(slot, outputs[k]!, r0 * classes, n * classes);
      if (kind === 'probs') {
        simd.fillWeight(slot, n, w / total);
      } else {
        simd.rowStats(slot, n, classes);
        if (!simd.slotRowsPass(slot, n, true)) return false;
        simd.rowExp(slot, n, classes, inverseTemperatures[k]!);
        for (let i = 0; i < n; i++) simd.setWeight(slot, i, w / (total * simd.sum(slot, i)));
      }
      slot++;
      taken++;
      if (slot === MAX_COMBINED || taken === active) {
        simd.combine(0, slot, taken <= MAX_COMBINED, taken === active, n, classes);
        slot = 0;
      }
    }
    // Probabilities were combined unchecked: a NaN or infinity shows in the fused row sum.
    if (kind === 'probs' && !simd.fusedRowsPass(n, false)) return false;
    if (log) simd.fusedLog(n, classes, SMALLEST_MEAN);
    simd.copyOut(out, r0, n, classes);
    if (log) {
      for (let i = 0; i < n; i++) {
        if (simd.smallCount(i) === 0) continue;
        recomputeSmallLogs('log mean', input, scratch, out, r0 + i, SMALL_LOG, Math.log(total));
      }
    }
  }
  return true;
}
