import type { FusedRows, FusionInput, FusionScratch } from '../fusion-input.js';
import { MAX_COMBINED } from './simd-module.js';
import { activeModels, type SimdWorkspace } from './simd-workspace.js';

/**
 * Log-linear fusion of logits or logprobs on the SIMD path: log_softmax(Σ_k (w_k / T_k)·x_k)
 * per row (see fuseLogLinear for why that is Σ_k w_k log_softmax(x_k / T_k) renormalised).
 * False when a row fails a check (NaN, +Infinity, or no class left): the caller then runs the
 * scalar kernel, which names the fault.
 */
export function simdLogLinear(
  simd: SimdWorkspace,
  input: FusionInput,
  rows: number,
  scratch: FusionScratch,
  out: FusedRows,
): boolean {
  const { classes, outputs } = input;
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
      simd.fillWeight(slot, n, w * inverseTemperatures[k]!);
      slot++;
      taken++;
      if (slot === MAX_COMBINED || taken === active) {
        simd.combine(0, slot, taken <= MAX_COMBINED, taken === active, n, classes);
        slot = 0;
      }
    }
    if (!simd.fusedRowsPass(n, true)) return false;
    simd.fusedLogSoftmax(n, classes);
    simd.copyOut(out, r0, n, classes);
  }
  return true;
}
