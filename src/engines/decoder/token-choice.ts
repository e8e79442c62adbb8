/**
 * Choosing a token from a distribution: the most likely one, or a draw. The plan runner judges
 * speculative proposals with these, and a decoder worker proposes with them, so that a token
 * chosen in the worker is the one the caller's thread would have chosen from the same row.
 */

/** Log-probabilities over the vocabulary at one position. */
export type Distribution = Float32Array;

/** The most likely token; the first of equals. */
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
