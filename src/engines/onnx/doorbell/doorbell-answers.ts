import {
  ANSWER,
  type AreaResult,
  type DoorbellViews,
  readResponse,
  slotOf,
  WORD,
} from './doorbell.js';

/**
 * The runtime's side of a doorbell's answers: takes them in run order, each once (see
 * doorbell.ts for why order matters: run `job + 2` reuses run `job`'s slot).
 *
 * A run answered on the port (a failure, or outputs in a slab the worker announced there) is
 * settled by that message; here it is only counted. A run the worker skipped (cancelled, see
 * doorbell.ts) has no message: it is settled here. An answer in the area whose outputs lie in a
 * slab this thread has not attached yet (another run announced it on the port, and that message
 * is still on its way) stops the taking until `take` is called again, once the slab is attached.
 */
export class DoorbellAnswers {
  readonly #bell: DoorbellViews;
  readonly #outputNames: readonly string[];
  readonly #hasSlab: (slab: number) => boolean;
  #answered = 0;

  constructor(
    bell: DoorbellViews,
    outputNames: readonly string[],
    hasSlab: (slab: number) => boolean,
  ) {
    this.#bell = bell;
    this.#outputNames = outputNames;
    this.#hasSlab = hasSlab;
  }

  /** The last run whose answer was taken or counted. */
  get answered(): number {
    return this.#answered;
  }

  /**
   * Takes every answer up to DONE that can be taken now, in order; `receive` gets each one from an
   * area, `skipped` each run the worker skipped because it was cancelled. The count moves before
   * either runs, so code they call sees the slot free.
   * @returns false if it stopped at an answer whose slab is not attached yet.
   */
  take(receive: (result: AreaResult) => void, skipped?: (job: number) => void): boolean {
    const done = Atomics.load(this.#bell.words, WORD.DONE);
    while (this.#answered < done) {
      const job = this.#answered + 1;
      const slot = slotOf(job);
      const how = Atomics.load(this.#bell.words, WORD.ANSWER + slot);
      if (how !== ANSWER.AREA) {
        this.#answered = job;
        if (how === ANSWER.SKIPPED) skipped?.(job);
        continue;
      }
      const result = readResponse(this.#bell.response[slot]!, this.#outputNames);
      for (const name in result.outputs)
        if (!this.#hasSlab(result.outputs[name]!.slab)) return false;
      this.#answered = job;
      receive(result);
    }
    return true;
  }
}
