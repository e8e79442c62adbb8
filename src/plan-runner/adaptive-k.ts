/**
 * How many tokens the draft proposes next, from the acceptance it has measured.
 *
 * Each round the target judges the proposals in order and stops at the first it rejects: a round
 * of k proposals with m accepted judged m + 1 of them (m if all k were accepted). The acceptance
 * rate α is accepted / judged over the rounds so far, older rounds weighing less (each round the
 * counts are multiplied by `decay`). With a chance α of accepting each token, a run of agreement
 * is α / (1 − α) tokens long on average; k is that, rounded, within [minK, maxK]. Proposing more
 * spends draft steps on tokens that will mostly be rejected; proposing fewer leaves agreement
 * unused. The counts start as if k0 of k0 + 1 judged tokens had been accepted, so k starts at k0.
 */
export interface AdaptiveKLimits {
  readonly minK: number;
  readonly maxK: number;
  /** Weight of the counts so far when a round is added; 0.7 unless told. */
  readonly decay?: number;
}

export interface AdaptiveKState {
  /** Proposals for the next round. */
  readonly k: number;
  /** Decayed counts of accepted and judged proposals. */
  readonly accepted: number;
  readonly judged: number;
}

const DEFAULT_DECAY = 0.7;

export function startK(k: number, limits: AdaptiveKLimits): AdaptiveKState {
  return { k: clamp(k, limits), accepted: k, judged: k + 1 };
}

/** The state after a round that proposed `proposed` tokens of which the first `accepted` were kept. */
export function nextK(
  state: AdaptiveKState,
  round: { readonly proposed: number; readonly accepted: number },
  limits: AdaptiveKLimits,
): AdaptiveKState {
  if (round.proposed === 0) return state;
  const decay = limits.decay ?? DEFAULT_DECAY;
  const judged = round.accepted + (round.accepted < round.proposed ? 1 : 0);
  const accepted = decay * state.accepted + round.accepted;
  const total = decay * state.judged + judged;
  const rate = accepted / total;
  const run = rate >= 1 ? Number.POSITIVE_INFINITY : rate / (1 - rate);
  return { k: clamp(Math.round(run), limits), accepted, judged: total };
}

function clamp(k: number, limits: AdaptiveKLimits): number {
  return Math.min(limits.maxK, Math.max(limits.minK, k));
}
