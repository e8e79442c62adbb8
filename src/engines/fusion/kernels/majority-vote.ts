import { fastExp } from './fast-exp.js';
import type { FusedRows, FusionInput, FusionScratch } from './fusion-input.js';
import { prepareFusion, totalWeight } from './prepare-fusion.js';
import { expRow, scanRow } from './row-scan.js';
import { simdMajorityVote } from './simd/simd-majority-vote.js';

const STRATEGY = 'majority vote';

/**
 * Majority vote: per row, each model of weight > 0 votes for its argmax with its weight. Writes
 * the vote distribution (probabilities: the share of the total weight each class received, 0 for
 * classes nobody voted for) and the winning class as argmax.
 *
 * A tie between classes with the same vote goes to the class with the highest weighted sum of
 * probabilities Σ_k w_k softmax(x_k / T_k) (so temperatures only matter here), then to the lowest
 * class index. Votes are compared exactly: weights that differ only by rounding do not tie.
 * Without a tie the kernel reads each input once and computes no exp. With a SIMD workspace in
 * the scratch (and up to 8 models) the argmaxes come from simd/simd-majority-vote.ts.
 */
export function fuseMajorityVote(input: FusionInput, out: FusedRows, scratch: FusionScratch): void {
  const rows = prepareFusion(STRATEGY, input, out, scratch);
  const { kind, classes, outputs } = input;
  const models = outputs.length;
  const weights = scratch.weights;
  const voted = scratch.perModelA;
  const distribution = out.distribution;
  const argmax = out.argmax;
  const total = totalWeight(scratch, models);
  const simd = scratch.simd;
  if (simd !== null && simdMajorityVote(simd, input, rows, scratch, total, out)) return;
  const scale = 1 / total;
  for (let r = 0; r < rows; r++) {
    const start = r * classes;
    for (let k = 0; k < models; k++) {
      if (weights[k] === 0) continue;
      voted[k] = scanRow(STRATEGY, outputs[k]!, start, classes, kind, k, r);
    }
    distribution.fill(0, start, start + classes);
    let topVotes = -1;
    let winner = -1;
    let tied = false;
    for (let k = 0; k < models; k++) {
      if (weights[k] === 0) continue;
      const c = voted[k]!;
      const votes = votesFor(c, voted, weights, models);
      distribution[start + c] = votes * scale;
      if (votes > topVotes) {
        topVotes = votes;
        winner = c;
        tied = false;
      } else if (votes === topVotes && c !== winner) {
        tied = true;
      }
    }
    argmax[r] = tied ? breakTie(input, scratch, start, topVotes) : winner;
  }
}

function votesFor(c: number, voted: Float64Array, weights: Float64Array, models: number): number {
  let votes = 0;
  for (let k = 0; k < models; k++) if (weights[k] !== 0 && voted[k] === c) votes += weights[k]!;
  return votes;
}

/** Among the classes with `topVotes`, the one with the highest weighted probability sum. */
function breakTie(
  input: FusionInput,
  scratch: FusionScratch,
  start: number,
  topVotes: number,
): number {
  const { kind, classes, outputs } = input;
  const models = outputs.length;
  const weights = scratch.weights;
  const voted = scratch.perModelA;
  const normaliser = scratch.perModelB;
  if (kind !== 'probs') {
    for (let k = 0; k < models; k++) {
      if (weights[k] === 0) continue;
      const x = outputs[k]!;
      const max = x[start + voted[k]!]!;
      normaliser[k] = expRow(x, start, classes, max, scratch.inverseTemperatures[k]!, scratch.row);
    }
  }
  let winner = -1;
  let bestScore = -1;
  for (let v = 0; v < models; v++) {
    if (weights[v] === 0) continue;
    const c = voted[v]!;
    if (votesFor(c, voted, weights, models) !== topVotes) continue;
    let score = 0;
    for (let k = 0; k < models; k++) {
      const w = weights[k]!;
      if (w === 0) continue;
      const x = outputs[k]!;
      if (kind === 'probs') {
        score += w * x[start + c]!;
      } else {
        const max = x[start + voted[k]!]!;
        const t = (x[start + c]! - max) * scratch.inverseTemperatures[k]!;
        score += (w * fastExp(t)) / normaliser[k]!;
      }
    }
    if (score > bestScore || (score === bestScore && c < winner)) {
      bestScore = score;
      winner = c;
    }
  }
  return winner;
}
