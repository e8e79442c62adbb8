/** One hypothesis of a decode: the tokens generated so far and their summed log-probability. */
export interface Hypothesis {
  readonly tokens: readonly number[];
  readonly logprob: number;
  /**
   * Each token's log-probability given the tokens before it (they sum to `logprob`): how sure the
   * search was at every step, which a cascade reads to decide whether to escalate.
   */
  readonly tokenLogprobs?: readonly number[];
}

export interface FinishedHypothesis extends Hypothesis {
  /** logprob / length^α: what beams are ranked by (length normalisation). */
  readonly score: number;
}

export function normalisedScore(logprob: number, length: number, alpha: number): number {
  return logprob / Math.max(1, length) ** alpha;
}

/**
 * One step of beam search over fused next-token log-probabilities `logprobs` (rows × vocab, one row
 * per live hypothesis). Keeps the `width` best continuations; those that end with `endToken` move
 * to `finished`. Selection is a bounded insertion into a sorted list of `width` candidates, so a
 * step costs O(rows × vocab × log width) without sorting the whole vocabulary.
 */
export function beamStep(
  live: readonly Hypothesis[],
  logprobs: ArrayLike<number>,
  vocab: number,
  width: number,
  endToken: number,
  alpha: number,
  finished: FinishedHypothesis[],
): Hypothesis[] {
  const bestScore: number[] = [];
  const bestRow: number[] = [];
  const bestToken: number[] = [];
  for (let row = 0; row < live.length; row++) {
    const base = live[row]!.logprob;
    const offset = row * vocab;
    for (let token = 0; token < vocab; token++) {
      const score = base + (logprobs[offset + token] as number);
      if (score === Number.NEGATIVE_INFINITY || Number.isNaN(score)) continue;
      if (bestScore.length === width && score <= bestScore[width - 1]!) continue;
      let at = bestScore.length;
      while (at > 0 && bestScore[at - 1]! < score) at--;
      bestScore.splice(at, 0, score);
      bestRow.splice(at, 0, row);
      bestToken.splice(at, 0, token);
      if (bestScore.length > width) {
        bestScore.pop();
        bestRow.pop();
        bestToken.pop();
      }
    }
  }
  const next: Hypothesis[] = [];
  for (let i = 0; i < bestScore.length; i++) {
    const parent = live[bestRow[i]!]!;
    const tokens = [...parent.tokens, bestToken[i]!];
    const logprob = bestScore[i]!;
    const tokenLogprobs = [...(parent.tokenLogprobs ?? []), logprob - parent.logprob];
    if (bestToken[i] === endToken)
      finished.push({
        tokens,
        logprob,
        tokenLogprobs,
        score: normalisedScore(logprob, tokens.length, alpha),
      });
    else next.push({ tokens, logprob, tokenLogprobs });
  }
  return next;
}

/**
 * True when no live hypothesis can still enter the `width` best finished ones, so beam search may
 * stop. Log-probabilities only fall as tokens are added (each is ≤ 0), and for α ≥ 0 dividing a
 * non-positive number by a larger length^α only raises it, so a live hypothesis can score at
 * most logprob / maxLength^α. Exact, unlike stopping as soon as `width` have finished, which
 * favours sequences that end early.
 */
export function beamIsDone(
  live: readonly Hypothesis[],
  finished: readonly FinishedHypothesis[],
  width: number,
  maxLength: number,
  alpha: number,
): boolean {
  if (live.length === 0) return true;
  if (finished.length < width) return false;
  const kept = [...finished].sort((a, b) => b.score - a.score);
  const worstKept = kept[width - 1]!.score;
  let bestBound = Number.NEGATIVE_INFINITY;
  for (const hypothesis of live) {
    bestBound = Math.max(bestBound, hypothesis.logprob / Math.max(1, maxLength) ** alpha);
  }
  return bestBound <= worstKept;
}
