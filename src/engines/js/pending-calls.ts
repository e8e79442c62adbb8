import type { CallOptions } from '../../actor/call-options.js';
import { AbortError, TimeoutError } from '../../errors.js';
import { type LongTimeout, longTimeout } from '../../util/long-timeout.js';

interface Pending {
  readonly id: number;
  readonly method: string;
  /** Set by `send` when the call reaches a worker: which one (see {@link failAll}). */
  tag: unknown;
  readonly started: number;
  readonly reject: (error: Error) => void;
  timer: LongTimeout | undefined;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

/** A call as {@link PendingCalls.failAll} describes it to the error it makes. */
export interface PendingCall {
  readonly id: number;
  readonly method: string;
  /** What `send` set: the worker the call was posted to, or undefined while it waits for one. */
  tag: unknown;
}

/** Each call's one answer: how long since it was made, and the error it was answered with. */
export type CallObserver = (ms: number, error: Error | undefined) => void;

/**
 * The calls in flight to one actor, each answered exactly once: by its reply, its timeout, its
 * AbortSignal, or {@link failAll} when the worker is gone. This is what comlink lacks: a comlink
 * promise whose reply never comes stays pending forever.
 *
 * A timed-out or aborted call is only abandoned: comlink cannot cancel work already in the worker.
 * Its late reply is handed to `discard`, so whatever it owns (arena outputs) can be freed.
 */
export class PendingCalls {
  readonly #actor: string;
  readonly #calls = new Set<Pending>();
  #nextId = 1;
  #idle: (() => void) | undefined;
  readonly #observe: CallObserver | undefined;

  constructor(actor: string, observe?: CallObserver) {
    this.#actor = actor;
    this.#observe = observe;
  }

  get size(): number {
    return this.#calls.size;
  }

  /**
   * @param send starts the call; a synchronous throw or a rejection is passed to `translate`. It
   *   may set `call.tag` to say where the call went.
   * @param discard receives a reply that came after the call was answered otherwise.
   */
  track<R>(
    method: string,
    options: CallOptions,
    send: (call: PendingCall) => Promise<R>,
    translate: (error: unknown) => Error,
    discard?: (late: R) => void,
  ): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const call: Pending = {
        id: this.#nextId++,
        method,
        tag: undefined,
        started: performance.now(),
        reject,
        timer: undefined,
        signal: undefined,
        onAbort: undefined,
      };
      const where = `actor "${this.#actor}": ${method}() (call ${call.id})`;
      const { timeout, signal } = options;
      if (timeout !== undefined && !(timeout > 0)) {
        reject(new RangeError(`${where}: timeout must be > 0 ms, got ${timeout}`));
        return;
      }
      if (signal?.aborted) {
        reject(new AbortError(`${where} was aborted before it was sent`, { cause: signal.reason }));
        return;
      }
      this.#calls.add(call);
      if (timeout !== undefined) {
        call.timer = longTimeout(timeout, () =>
          this.#fail(call, new TimeoutError(`${where} timed out after ${timeout} ms`)),
        );
      }
      if (signal) {
        call.signal = signal;
        call.onAbort = () =>
          this.#fail(
            call,
            new AbortError(`${where} was aborted while in flight`, { cause: signal.reason }),
          );
        signal.addEventListener('abort', call.onAbort, { once: true });
      }
      let reply: Promise<R>;
      try {
        reply = send(call);
      } catch (error) {
        this.#fail(call, translate(error));
        return;
      }
      reply.then(
        (value) => {
          if (!this.#calls.has(call)) discard?.(value);
          else {
            this.#settle(call);
            this.#observe?.(performance.now() - call.started, undefined);
            resolve(value);
          }
        },
        (error: unknown) => this.#fail(call, translate(error)),
      );
    });
  }

  /**
   * Rejects every call in flight (or those `which` picks) with the error `make` builds for it;
   * returns how many.
   */
  failAll(make: (call: PendingCall) => Error, which?: (call: PendingCall) => boolean): number {
    const calls = [...this.#calls].filter((call) => !which || which(call));
    for (const call of calls) this.#fail(call, make(call));
    return calls.length;
  }

  /** Calls for which `which` holds. */
  count(which: (call: PendingCall) => boolean): number {
    let n = 0;
    for (const call of this.#calls) if (which(call)) n++;
    return n;
  }

  /** Resolves when no call is in flight. */
  idle(): Promise<void> {
    if (this.#calls.size === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const previous = this.#idle;
      this.#idle = () => {
        previous?.();
        resolve();
      };
    });
  }

  #fail(call: Pending, error: Error): void {
    if (!this.#calls.has(call)) return;
    this.#settle(call);
    this.#observe?.(performance.now() - call.started, error);
    call.reject(error);
  }

  #settle(call: Pending): void {
    this.#calls.delete(call);
    call.timer?.cancel();
    if (call.onAbort) call.signal?.removeEventListener('abort', call.onAbort);
    if (this.#calls.size === 0 && this.#idle) {
      const idle = this.#idle;
      this.#idle = undefined;
      idle();
    }
  }
}
