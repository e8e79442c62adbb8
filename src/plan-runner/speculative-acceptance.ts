/**
 * How the target judges a draft's proposals (speculative decoding, Leviathan et al. 2023 and
 * Chen et al. 2023). Both rules see, for each of the k proposals, the draft's distribution it was
 * drawn from, and the target's k + 1 distributions from one verifying call: before each proposal
 * and after the last. The verdict keeps a prefix of the proposals and adds one token of the
 * target's own, so a round always yields at least one token.
 */

import { argmax, type Distribution, draw, probabilities } from '../engines/decoder/token-choice.js';

export { argmax, type Distribution, draw, probabilities };

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
 * Greedy from the target's best token at each position alone (what a verifying step with
 * `topK: 1` answers): the same verdict as {@link greedyAcceptance} on the whole distributions.
 */
export function bestAcceptance(proposals: readonly number[], best: readonly number[]): Verdict {
  for (let j = 0; j < proposals.length; j++) {
    if (proposals[j] !== best[j]) return { accepted: j, token: best[j]! };
  }
  return { accepted: proposals.length, token: best[proposals.length]! };
}

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
