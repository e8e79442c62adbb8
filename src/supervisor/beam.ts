/** One hypothesis of a decode: the tokens generated so far and their summed log-probability. */
export interface Hypothesis {
  readonly tokens: readonly number[];
  readonly logprob: number;
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
    const tokens = [...live[bestRow[i]!]!.tokens, bestToken[i]!];
    const logprob = bestScore[i]!;
    if (bestToken[i] === endToken)
      finished.push({ tokens, logprob, score: normalisedScore(logprob, tokens.length, alpha) });
    else next.push({ tokens, logprob });
  }
  return next;
}
