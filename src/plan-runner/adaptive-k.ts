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
 *
 * Given what a proposal costs beside a verifying call (`cost`: one draft step's time over one
 * target call's), k is instead the one that yields the most tokens per unit of time: a round of
 * k proposals yields (1 − α^(k+1)) / (1 − α) tokens on average and costs 1 + cost × k target
 * calls (Leviathan et al. 2023, §3.3). A cheap draft then proposes more than the mean run of
 * agreement: a rejected proposal costs little, a kept one saves a whole target call.
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
  cost?: number,
): AdaptiveKState {
  if (round.proposed === 0) return state;
  const decay = limits.decay ?? DEFAULT_DECAY;
  const judged = round.accepted + (round.accepted < round.proposed ? 1 : 0);
  const accepted = decay * state.accepted + round.accepted;
  const total = decay * state.judged + judged;
  const rate = accepted / total;
  if (cost !== undefined && Number.isFinite(cost) && cost >= 0) {
    return { k: fastestK(rate, cost, limits), accepted, judged: total };
  }
  const run = rate >= 1 ? Number.POSITIVE_INFINITY : rate / (1 - rate);
  return { k: clamp(Math.round(run), limits), accepted, judged: total };
}

/** Tokens a round of k proposals yields on average when each is kept with chance `rate`. */
export function expectedTokens(rate: number, k: number): number {
  return rate >= 1 ? k + 1 : (1 - rate ** (k + 1)) / (1 - rate);
}

/** The k within the limits with the most expected tokens per unit of round time; the smallest of equals. */
export function fastestK(rate: number, cost: number, limits: AdaptiveKLimits): number {
  let best = limits.minK;
  let bestSpeed = Number.NEGATIVE_INFINITY;
  for (let k = limits.minK; k <= limits.maxK; k++) {
    const speed = expectedTokens(rate, k) / (1 + cost * k);
    if (speed > bestSpeed * (1 + 1e-9)) {
      best = k;
      bestSpeed = speed;
    }
  }
  return best;
}

function clamp(k: number, limits: AdaptiveKLimits): number {
  return Math.min(limits.maxK, Math.max(limits.minK, k));
}
