import type { Agreement } from '../../agreement.js';
import type { FusedKind, FusedRows, FusionInput, FusionScratch } from '../fusion-input.js';
import { RESIDENT_MODELS, type SimdWorkspace } from './simd-workspace.js';

/** The slot that holds the fused chunk; models take slot 0 in turn. */
const FUSED_SLOT = RESIDENT_MODELS - 1;

/**
 * measureAgreement on the SIMD path: per chunk the fused rows are loaded (and exponentiated when
 * they are logprobs), then each model's rows in turn: argmax and check by rowMax, softmax by
 * rowExp, Σ|p − q| by rowAbsDiff. Leaves the per-model sums (not yet divided by the rows) in
 * `out`. False when a row fails a check: the caller then runs the scalar loops.
 */
export function simdAgreement(
  simd: SimdWorkspace,
  input: FusionInput,
  fused: FusedRows,
  fusedKind: FusedKind,
  rows: number,
  scratch: FusionScratch,
  out: Agreement,
): boolean {
  const { kind, classes, outputs } = input;
  const probs = kind === 'probs';
  for (let r0 = 0; r0 < rows; r0 += simd.chunkRows) {
    const n = Math.min(simd.chunkRows, rows - r0);
    simd.load(FUSED_SLOT, fused.distribution, r0 * classes, n * classes);
    if (fusedKind === 'logprobs') {
      simd.fillMax(FUSED_SLOT, n, 0);
      simd.rowExp(FUSED_SLOT, n, classes, 1);
    }
    for (let k = 0; k < outputs.length; k++) {
      simd.load(0, outputs[k]!, r0 * classes, n * classes);
      simd.rowStats(0, n, classes);
      if (!simd.slotRowsPass(0, n, !probs)) return false;
      let matches = 0;
      for (let i = 0; i < n; i++) if (simd.argmax(0, i) === fused.argmax[r0 + i]) matches++;
      if (probs) {
        simd.fillWeight(0, n, 1);
      } else {
        simd.rowExp(0, n, classes, scratch.inverseTemperatures[k]!);
        for (let i = 0; i < n; i++) simd.setWeight(0, i, 1 / simd.sum(0, i));
      }
      simd.absDiff(0, FUSED_SLOT, n, classes);
      let gap = 0;
      for (let i = 0; i < n; i++) gap += simd.gap(i);
      out.argmaxAgreement[k] = out.argmaxAgreement[k]! + matches;
      out.meanTotalVariation[k] = out.meanTotalVariation[k]! + 0.5 * gap;
    }
  }
  return true;
}
