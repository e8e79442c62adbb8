import type { FusionInput, FusionScratch } from '../fusion-input.js';
import type { MaxConfidenceRows } from '../max-confidence.js';
import { MAX_COMBINED } from './simd-module.js';
import { activeModels, RESIDENT_MODELS, type SimdWorkspace } from './simd-workspace.js';

/** Which model each slot of the chunk holds. */
const slotModel = new Int32Array(RESIDENT_MODELS);

/**
 * Max-confidence on the SIMD path, for up to {@link RESIDENT_MODELS} models of weight > 0: every
 * model's chunk is loaded and exponentiated, each row picks the model whose 1/Σexp (its top
 * probability) is highest, and the fused rows are the combination with weight 1/Σexp for the
 * chosen model and 0 for the others. False for more models or a row that fails a check: the
 * caller then runs the scalar kernel.
 */
export function simdMaxConfidence(
  simd: SimdWorkspace,
  input: FusionInput,
  rows: number,
  scratch: FusionScratch,
  out: MaxConfidenceRows,
): boolean {
  const { kind, classes, outputs } = input;
  const { weights, inverseTemperatures } = scratch;
  const active = activeModels(weights, outputs.length);
  if (active > RESIDENT_MODELS) return false;
  const probs = kind === 'probs';
  for (let r0 = 0; r0 < rows; r0 += simd.chunkRows) {
    const n = Math.min(simd.chunkRows, rows - r0);
    let slots = 0;
    for (let k = 0; k < outputs.length; k++) {
      if (weights[k] === 0) continue;
      simd.load(slots, outputs[k]!, r0 * classes, n * classes);
      simd.rowStats(slots, n, classes);
      if (!simd.slotRowsPass(slots, n, !probs)) return false;
      if (!probs) simd.rowExp(slots, n, classes, inverseTemperatures[k]!);
      slotModel[slots] = k;
      slots++;
    }
    for (let i = 0; i < n; i++) {
      let best = -1;
      let chosen = 0;
      for (let s = 0; s < slots; s++) {
        // The maximum's exp term is exactly 1, so the top probability is 1 / Σexp.
        const confidence = probs ? simd.max(s, i) : 1 / simd.sum(s, i);
        if (confidence > best) {
          best = confidence;
          chosen = s;
        }
      }
      for (let s = 0; s < slots; s++) {
        simd.setWeight(s, i, s !== chosen ? 0 : probs ? 1 : 1 / simd.sum(s, i));
      }
      out.argmax[r0 + i] = simd.argmax(chosen, i);
      if (out.chosenModel !== undefined) out.chosenModel[r0 + i] = slotModel[chosen]!;
    }
    for (let first = 0; first < slots; first += MAX_COMBINED) {
      simd.combine(first, Math.min(MAX_COMBINED, slots - first), first === 0, false, n, classes);
    }
    simd.copyOutDistribution(out, r0, n, classes);
  }
  return true;
}
