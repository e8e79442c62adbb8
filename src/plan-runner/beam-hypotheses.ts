/**
 * The finished hypotheses of a beam search, with Hugging Face's semantics (its BeamHypotheses):
 * at most `numBeams` kept, each scored sum_logprobs / length ** lengthPenalty where length counts
 * the prompt and not the end token, and the three early-stopping rules.
 */
export interface ScoredSequence {
  /** Prompt and generated tokens (the end token not included). */
  readonly tokens: readonly number[];
  /** Sum of the generated tokens' log-probabilities. */
  readonly logprob: number;
  /** logprob / tokens.length ** lengthPenalty: what beams are ranked by. */
  readonly score: number;
}

export type EarlyStopping = boolean | 'never';

export class BeamHypotheses {
  readonly #numBeams: number;
  readonly #lengthPenalty: number;
  readonly #earlyStopping: EarlyStopping;
  readonly #maxLength: number;
  readonly #kept: ScoredSequence[] = [];

  constructor(
    numBeams: number,
    lengthPenalty: number,
    earlyStopping: EarlyStopping,
    maxLength: number,
  ) {
    this.#numBeams = numBeams;
    this.#lengthPenalty = lengthPenalty;
    this.#earlyStopping = earlyStopping;
    this.#maxLength = maxLength;
  }

  get size(): number {
    return this.#kept.length;
  }

  #worst(): number {
    let worst = Number.POSITIVE_INFINITY;
    for (const kept of this.#kept) worst = Math.min(worst, kept.score);
    return worst;
  }

  /** Keeps the hypothesis if fewer than numBeams are kept or it beats the worst (which then goes). */
  add(tokens: readonly number[], logprob: number): void {
    const score = logprob / tokens.length ** this.#lengthPenalty;
    if (this.#kept.length >= this.#numBeams && score <= this.#worst()) return;
    this.#kept.push({ tokens, logprob, score });
    if (this.#kept.length > this.#numBeams) {
      let worstAt = 0;
      for (let i = 1; i < this.#kept.length; i++) {
        if (this.#kept[i]!.score < this.#kept[worstAt]!.score) worstAt = i;
      }
      this.#kept.splice(worstAt, 1);
    }
  }

  /**
   * Whether no live beam can still improve the kept ones. `bestLogprob` is the best summed
   * log-probability among this step's candidates, `length` the beams' length before this step's
   * token (as Hugging Face passes it).
   */
  isDone(bestLogprob: number, length: number): boolean {
    if (this.#kept.length < this.#numBeams) return false;
    if (this.#earlyStopping === true) return true;
    const bound =
      this.#earlyStopping === 'never' && this.#lengthPenalty > 0
        ? bestLogprob / this.#maxLength ** this.#lengthPenalty
        : bestLogprob / length ** this.#lengthPenalty;
    return this.#worst() >= bound;
  }

  /** The kept hypotheses, best first (a stable sort: equal scores keep the order they came in). */
  best(): ScoredSequence[] {
    return [...this.#kept].sort((a, b) => b.score - a.score);
  }
}
