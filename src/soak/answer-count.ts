import type { TensorDescriptor } from '../tensor/index.js';

/** What the caller saw of the messages it sent to the actors it watched. */
export interface AnswerTally {
  /** Messages sent. */
  readonly sent: number;
  /** Messages with no answer (yet). */
  readonly unanswered: number;
  /**
   * Answers beyond one per message, plus results handed to more than one message: an arena
   * block (slab, offset, generation: never the same for two allocations) seen in two answers is
   * one reply answered twice.
   */
  readonly doubled: number;
}

/**
 * Counts answers per message at the caller, for any kind of actor (model, custom, fusion), apart
 * from the actors' own bookkeeping: each message sent through a watched method gets an id here,
 * each answer the caller receives is counted against it, and each result's arena blocks are
 * remembered. A message never answered, or one reply answered to two messages (the way a double
 * answer reaches callers, since each caller's promise settles once), shows here whatever the
 * actor believes it did.
 */
export class AnswerCount {
  readonly #answers = new Map<number, number>();
  readonly #blocks = new Set<string>();
  #nextId = 1;
  #doubled = 0;

  /**
   * Replaces `target[method]` with one that counts the answers of each call; `outputs` lists the
   * arena blocks a result hands over.
   */
  watch<T extends object, K extends keyof T>(
    target: T,
    method: K,
    outputs: (result: never) => Iterable<TensorDescriptor>,
  ): void {
    const original = target[method] as (...args: unknown[]) => Promise<unknown>;
    const counted = (...args: unknown[]): Promise<unknown> => {
      const id = this.#nextId++;
      this.#answers.set(id, 0);
      const answer = original.apply(target, args);
      answer.then(
        (result) => {
          this.#answered(id);
          for (const block of outputs(result as never)) this.#handed(block);
        },
        () => this.#answered(id),
      );
      return answer;
    };
    target[method] = counted as T[K];
  }

  tally(): AnswerTally {
    let unanswered = 0;
    for (const count of this.#answers.values()) if (count === 0) unanswered++;
    return { sent: this.#answers.size, unanswered, doubled: this.#doubled };
  }

  #answered(id: number): void {
    const count = (this.#answers.get(id) ?? 0) + 1;
    this.#answers.set(id, count);
    if (count > 1) this.#doubled++;
  }

  #handed(block: TensorDescriptor): void {
    const key = `${block.slab}:${block.offset}:${block.gen}`;
    if (this.#blocks.has(key)) this.#doubled++;
    else this.#blocks.add(key);
  }
}
