/**
 * Answered messages (or settled rounds: a plan's name in place of the actor's) not yet counted in
 * the Prometheus metrics.
 *
 * prom-client checks and hashes its labels on every `observe` and `inc`; on the caller's thread,
 * once per ask with cold caches (asks a millisecond apart), that cost several microseconds per
 * ask, more than the rest of the answer's bookkeeping. Nobody reads the metrics between two
 * scrapes, so a message's answer is only written down here, in preallocated arrays, and folded
 * into the metrics in one loop: when the metrics are read, or when the arrays are full. The
 * scraped values are the same as if each answer had been counted at once.
 */
export class PendingMessages {
  readonly #actors: string[];
  /** Run time in ms, NaN for a message that never ran. */
  readonly #ms: Float64Array;
  readonly #codes: (string | undefined)[];
  #count = 0;
  readonly #fold: (actor: string, ms: number | undefined, code: string | undefined) => void;
  readonly #folded: (() => void) | undefined;

  /**
   * @param capacity answers held before they are folded in (bounds the memory of a runtime that
   *   is never scraped).
   * @param fold counts one answer in the metrics.
   * @param folded runs after each fold loop (to add up counts gathered during it).
   */
  constructor(
    capacity: number,
    fold: (actor: string, ms: number | undefined, code: string | undefined) => void,
    folded?: () => void,
  ) {
    this.#actors = new Array<string>(capacity).fill('');
    this.#ms = new Float64Array(capacity);
    this.#codes = new Array<string | undefined>(capacity).fill(undefined);
    this.#fold = fold;
    this.#folded = folded;
  }

  /** One message's one answer: `ms` it ran (undefined if it never ran), `code` of its error. */
  add(actor: string, ms: number | undefined, code: string | undefined): void {
    const at = this.#count++;
    this.#actors[at] = actor;
    this.#ms[at] = ms === undefined ? Number.NaN : ms;
    this.#codes[at] = code;
    if (this.#count === this.#ms.length) this.flush();
  }

  /** Folds every answer written down into the metrics, oldest first. */
  flush(): void {
    const count = this.#count;
    this.#count = 0;
    for (let at = 0; at < count; at++) {
      const ms = this.#ms[at]!;
      this.#fold(this.#actors[at]!, Number.isNaN(ms) ? undefined : ms, this.#codes[at]);
      this.#codes[at] = undefined;
    }
    this.#folded?.();
  }
}
