import type { FusedRows, FusionInput, FusionScratch } from '../fusion-input.js';
import { activeModels, RESIDENT_MODELS, type SimdWorkspace } from './simd-workspace.js';

/** Which model each slot of the chunk holds. */
const slotModel = new Int32Array(RESIDENT_MODELS);

/**
 * Majority vote on the SIMD path, for up to {@link RESIDENT_MODELS} models of weight > 0: the
 * argmax of every model's rows comes from the rowMax kernel; the tally, as in fuseMajorityVote,
 * is per row in JavaScript; a chunk with a tie is exponentiated once to break it by the summed
 * probability. False for more models or a row that fails a check: the caller then runs the
 * scalar kernel.
 */
export function simdMajorityVote(
  simd: SimdWorkspace,
  input: FusionInput,
  rows: number,
  scratch: FusionScratch,
  total: number,
  out: FusedRows,
): boolean {
  const { kind, classes, outputs } = input;
  const { weights, inverseTemperatures } = scratch;
  const active = activeModels(weights, outputs.length);
  if (active > RESIDENT_MODELS) return false;
  const probs = kind === 'probs';
  const scale = 1 / total;
  const distribution = out.distribution;
  for (let r0 = 0; r0 < rows; r0 += simd.chunkRows) {
    const n = Math.min(simd.chunkRows, rows - r0);
    let slots = 0;
    for (let k = 0; k < outputs.length; k++) {
      if (weights[k] === 0) continue;
      simd.load(slots, outputs[k]!, r0 * classes, n * classes);
      simd.rowStats(slots, n, classes);
      if (!simd.slotRowsPass(slots, n, !probs)) return false;
      slotModel[slots] = k;
      slots++;
    }
    distribution.fill(0, r0 * classes, (r0 + n) * classes);
    let exponentiated = probs;
    for (let i = 0; i < n; i++) {
      const start = (r0 + i) * classes;
      let topVotes = -1;
      let winner = -1;
      let tied = false;
      for (let s = 0; s < slots; s++) {
        const c = simd.argmax(s, i);
        const votes = votesFor(simd, c, i, slots, weights);
        distribution[start + c] = votes * scale;
        if (votes > topVotes) {
          topVotes = votes;
          winner = c;
          tied = false;
        } else if (votes === topVotes && c !== winner) {
          tied = true;
        }
      }
      if (tied) {
        if (!exponentiated) {
          for (let s = 0; s < slots; s++) {
            simd.rowExp(s, n, classes, inverseTemperatures[slotModel[s]!]!);
          }
          exponentiated = true;
        }
        winner = breakTie(simd, i, classes, slots, weights, topVotes, probs);
      }
      out.argmax[r0 + i] = winner;
    }
  }
  return true;
}

function votesFor(
  simd: SimdWorkspace,
  c: number,
  row: number,
  slots: number,
  weights: Float64Array,
): number {
  let votes = 0;
  for (let s = 0; s < slots; s++) if (simd.argmax(s, row) === c) votes += weights[slotModel[s]!]!;
  return votes;
}

/** Among the classes with `topVotes`, the highest Σ w·p, then the lowest class. */
function breakTie(
  simd: SimdWorkspace,
  row: number,
  classes: number,
  slots: number,
  weights: Float64Array,
  topVotes: number,
  probs: boolean,
): number {
  let winner = -1;
  let bestScore = -1;
  for (let v = 0; v < slots; v++) {
    const c = simd.argmax(v, row);
    if (votesFor(simd, c, row, slots, weights) !== topVotes) continue;
    let score = 0;
    for (let s = 0; s < slots; s++) {
      const p = simd.value(s, row, classes, c);
      score += weights[slotModel[s]!]! * (probs ? p : p / simd.sum(s, row));
    }
    if (score > bestScore || (score === bestScore && c < winner)) {
      bestScore = score;
      winner = c;
    }
  }
  return winner;
}
