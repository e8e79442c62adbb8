import type { FusedRows, FusionInput, FusionScratch } from './fusion-input.js';
import { prepareFusion } from './prepare-fusion.js';
import { expRow, scanRow } from './row-scan.js';
import { simdMaxConfidence } from './simd/simd-max-confidence.js';

const STRATEGY = 'max confidence';

/** A fused result that also says, per row, which model it was taken from. */
export interface MaxConfidenceRows extends FusedRows {
  /** rows: index of the model chosen for each row (optional). */
  readonly chosenModel?: Int32Array | undefined;
}

/**
 * Max-confidence: per row, the distribution of the model whose highest probability (after its
 * temperature) is highest; the first such model on a tie. Writes probabilities (that model's
 * softmax, or its row as given for kind 'probs') and that model's argmax. Weights only select
 * which models take part: a model of weight 0 is never chosen; other weights do not scale
 * confidence (a weighted confidence is not a probability of anything).
 *
 * The winning model's exp terms are kept from the confidence pass (two scratch rows swapped),
 * so each input is exponentiated once. With a SIMD workspace in the scratch (and up to 8 models)
 * the rows go through simd/simd-max-confidence.ts instead (float32 arithmetic).
 */
export function fuseMaxConfidence(
  input: FusionInput,
  out: MaxConfidenceRows,
  scratch: FusionScratch,
): void {
  const rows = prepareFusion(STRATEGY, input, out, scratch);
  const chosenModel = out.chosenModel;
  if (
    chosenModel !== undefined &&
    (!(chosenModel instanceof Int32Array) || chosenModel.length !== rows)
  ) {
    throw new RangeError(`${STRATEGY}: chosenModel must be an Int32Array of ${rows} rows`);
  }
  const { kind, classes, outputs } = input;
  const models = outputs.length;
  const weights = scratch.weights;
  const inverseTemperatures = scratch.inverseTemperatures;
  const distribution = out.distribution;
  const argmax = out.argmax;
  const simd = scratch.simd;
  if (simd !== null && simdMaxConfidence(simd, input, rows, scratch, out)) return;
  let current = scratch.row;
  let kept = scratch.spare;
  for (let r = 0; r < rows; r++) {
    const start = r * classes;
    let bestConfidence = -1;
    let bestModel = 0;
    let bestAt = 0;
    let bestSum = 1;
    for (let k = 0; k < models; k++) {
      if (weights[k] === 0) continue;
      const x = outputs[k]!;
      const at = scanRow(STRATEGY, x, start, classes, kind, k, r);
      const max = x[start + at]!;
      let confidence = max;
      let sum = 1;
      if (kind !== 'probs') {
        sum = expRow(x, start, classes, max, inverseTemperatures[k]!, current);
        // The maximum's term is exactly 1, so its probability is 1 / sum.
        confidence = 1 / sum;
      }
      if (confidence > bestConfidence) {
        bestConfidence = confidence;
        bestModel = k;
        bestAt = at;
        bestSum = sum;
        const swap = kept;
        kept = current;
        current = swap;
      }
    }
    if (kind === 'probs') {
      const x = outputs[bestModel]!;
      for (let j = 0; j < classes; j++) distribution[start + j] = x[start + j]!;
    } else {
      const scale = 1 / bestSum;
      for (let j = 0; j < classes; j++) distribution[start + j] = kept[j]! * scale;
    }
    argmax[r] = bestAt;
    if (chosenModel !== undefined) chosenModel[r] = bestModel;
  }
}
