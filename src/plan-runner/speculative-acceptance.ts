/**
 * How the target judges a draft's proposals (speculative decoding, Leviathan et al. 2023 and
 * Chen et al. 2023). Both rules see, for each of the k proposals, the draft's distribution it was
 * drawn from, and the target's k + 1 distributions from one verifying call: before each proposal
 * and after the last. The verdict keeps a prefix of the proposals and adds one token of the
 * target's own, so a round always yields at least one token.
 */

/** Log-probabilities over the vocabulary at one position. */
export type Distribution = Float32Array;

export interface Verdict {
  /** How many proposals are kept, from the first. */
  readonly accepted: number;
  /** The target's token after them: a correction of the first rejected one, or one more. */
  readonly token: number;
}

export type AcceptanceRule = (
  proposals: readonly number[],
  draft: readonly Distribution[],
  target: readonly Distribution[],
) => Verdict;

/** Greedy: a proposal is kept while it is the target's best token; the output is the target's greedy output. */
export const greedyAcceptance: AcceptanceRule = (proposals, _draft, target) => {
  for (let j = 0; j < proposals.length; j++) {
    const best = argmax(target[j]!);
    if (proposals[j] !== best) return { accepted: j, token: best };
  }
  return { accepted: proposals.length, token: argmax(target[proposals.length]!) };
};

/**
 * Sampling: proposal x drawn from q is kept with probability min(1, p(x) / q(x)); the first one
 * rejected is replaced by a draw from max(0, p − q), normalised; after k kept, one is drawn from
 * the target's next p. Each token then has the target's distribution p exactly.
 */
export function samplingAcceptance(temperature: number, random: () => number): AcceptanceRule {
  return (proposals, draft, target) => {
    for (let j = 0; j < proposals.length; j++) {
      const x = proposals[j]!;
      const p = probabilities(target[j]!, temperature);
      const q = probabilities(draft[j]!, temperature);
      if (random() * q[x]! < p[x]!) continue;
      const residual = p.map((pv, v) => Math.max(0, pv - q[v]!));
      return { accepted: j, token: draw(residual, random) ?? draw(p, random)! };
    }
    const last = probabilities(target[proposals.length]!, temperature);
    return { accepted: proposals.length, token: draw(last, random)! };
  };
}

export function argmax(distribution: Distribution): number {
  let best = 0;
  for (let v = 1; v < distribution.length; v++)
    if (distribution[v]! > distribution[best]!) best = v;
  return best;
}

/** softmax(logprobs / temperature), in float64. */
export function probabilities(logprobs: Distribution, temperature: number): Float64Array {
  let max = Number.NEGATIVE_INFINITY;
  for (const value of logprobs) max = Math.max(max, value / temperature);
  const out = new Float64Array(logprobs.length);
  let sum = 0;
  for (let v = 0; v < logprobs.length; v++) {
    out[v] = Math.exp(logprobs[v]! / temperature - max);
    sum += out[v]!;
  }
  for (let v = 0; v < out.length; v++) out[v]! /= sum;
  return out;
}

/** A token drawn from unnormalised weights; undefined when they sum to 0. */
export function draw(weights: Float64Array, random: () => number): number | undefined {
  let sum = 0;
  for (const w of weights) sum += w;
  if (!(sum > 0)) return undefined;
  let left = random() * sum;
  let last: number | undefined;
  for (let v = 0; v < weights.length; v++) {
    if (weights[v]! <= 0) continue;
    last = v;
    left -= weights[v]!;
    if (left < 0) return v;
  }
  // Rounding can leave a sliver past the last weight: it belongs to the last token that has one.
  return last;
}
