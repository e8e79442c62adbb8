import { AsyncLocalStorage } from 'node:async_hooks';
import { ActorStoppedError } from '../errors.js';

/**
 * Whether the runtime still takes work. Once `close()` began, a direct actor call (`run`,
 * `runShared`, a custom actor's methods, `fuse`) is refused, but a plan run admitted before the
 * close keeps calling its actors during the grace period: its calls carry that admission through
 * their async context.
 */
export class Admission {
  readonly #admitted = new AsyncLocalStorage<true>();
  #closing = false;

  get closing(): boolean {
    return this.#closing;
  }

  close(): void {
    this.#closing = true;
  }

  /** Runs `work` (and everything it awaits) as work admitted while the runtime was open. */
  admit<T>(work: () => T): T {
    return this.#admitted.run(true, work);
  }

  /** The error a call to `actor` gets, or undefined if it is served. */
  refusal(actor: string, what: string): ActorStoppedError | undefined {
    if (!this.#closing || this.#admitted.getStore()) return undefined;
    return new ActorStoppedError(
      `actor "${actor}": ${what} refused, the runtime is closing: no new work is taken`,
    );
  }
}
