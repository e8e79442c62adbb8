import { AbortError, TimeoutError } from '../../errors.js';
import { type LongTimeout, longTimeout } from '../../util/long-timeout.js';
import type { CallOptions } from '../call-options.js';
import { armDeadline, type Deadline, disarmDeadline, timeoutRefusal } from './deadline.js';

/** A call as the ledger shows it to the actor that owns it. */
export interface Call<Tag> {
  readonly id: number;
  readonly method: string;
  /**
   * Where the call went (the worker it was posted to, the server instance or HTTP request of a
   * remote actor); undefined while it waits for one.
   */
  tag: Tag | undefined;
  /** performance.now() when it was opened. */
  readonly started: number;
}

interface Entry<Tag> extends Call<Tag>, Deadline {
  readonly resolve: (value: never) => void;
  readonly reject: (error: Error) => void;
}

export interface LedgerOptions<Tag> {
  /** How a call is named in its errors: `actor "x": run() (call 3)`. */
  readonly where: (call: Call<Tag>) => string;
  /** Each call's one answer (a result when `error` is undefined), as it is given. */
  readonly observe?: (call: Call<Tag>, error: Error | undefined) => void;
  /**
   * The error a call's own timeout answers it with; default `<where> timed out after <ms> ms`.
   * (Remote actors keep the wording their callers already match on.)
   */
  readonly timedOut?: (where: string, timeout: number) => Error;
  /**
   * The error a call's AbortSignal answers it with: `sent` false when the signal was aborted
   * before the call was opened; default `<where> was aborted before it was sent / while in flight`.
   */
  readonly aborted?: (where: string, sent: boolean, reason: unknown) => Error;
  /**
   * Told after a call's own timeout or abort answered it, so an actor whose work runs elsewhere
   * can tell that side to drop it (a remote actor's cancel).
   */
  readonly expired?: (call: Call<Tag>) => void;
}

function defaultTimedOut(where: string, timeout: number): Error {
  return new TimeoutError(`${where} timed out after ${timeout} ms`);
}

function defaultAborted(where: string, sent: boolean, reason: unknown): Error {
  return new AbortError(`${where} was aborted ${sent ? 'while in flight' : 'before it was sent'}`, {
    cause: reason,
  });
}

/**
 * The calls in flight to an actor that takes every call at once (custom and fusion actors, whose
 * worker takes them; the NATS and OIP remote actors, whose servers do), each answered exactly
 * once: by its reply, its timeout, its AbortSignal, or its worker's death (for a remote actor, its
 * server or connection lost). Everything that answers a call goes through {@link answer} or
 * {@link fail}, which refuse a second answer: a reply that comes after its call was answered
 * otherwise is reported as late, so the caller frees what it owns.
 *
 * (A model actor's messages wait in a mailbox for one replica at a time: its Dispatcher is the
 * same promise with a queue in front; both arm their deadlines in deadline.ts.)
 */
export class CallLedger<Tag> {
  readonly #options: LedgerOptions<Tag>;
  readonly #calls = new Map<number, Entry<Tag>>();
  #nextId = 1;
  #idleWaiters: (() => void)[] = [];

  constructor(options: LedgerOptions<Tag>) {
    this.#options = options;
  }

  get size(): number {
    return this.#calls.size;
  }

  /**
   * Opens a call: arms its timeout and abort listener. Undefined when it is answered at once (a
   * bad timeout, a signal aborted already): `reject` has been called.
   */
  open<R>(
    method: string,
    options: CallOptions,
    resolve: (value: R) => void,
    reject: (error: Error) => void,
  ): Call<Tag> | undefined {
    const entry: Entry<Tag> = {
      id: this.#nextId++,
      method,
      tag: undefined,
      started: performance.now(),
      resolve: resolve as (value: never) => void,
      reject,
      timer: undefined,
      signal: undefined,
      onAbort: undefined,
    };
    const where = this.#options.where(entry);
    const { timeout, signal } = options;
    const { timedOut = defaultTimedOut, aborted = defaultAborted, expired } = this.#options;
    const refusal = timeoutRefusal(where, timeout);
    if (refusal) {
      reject(refusal);
      return undefined;
    }
    if (signal?.aborted) {
      reject(aborted(where, false, signal.reason));
      return undefined;
    }
    this.#calls.set(entry.id, entry);
    armDeadline(
      entry,
      timeout,
      signal,
      () => {
        this.fail(entry, timedOut(where, timeout!));
        expired?.(entry);
      },
      () => {
        this.fail(entry, aborted(where, true, signal!.reason));
        expired?.(entry);
      },
    );
    return entry;
  }

  /**
   * A call still waiting for its answer, by id; undefined once it was answered (a reply for it
   * now is late).
   */
  get(id: number): Call<Tag> | undefined {
    return this.#calls.get(id);
  }

  /** Answers `call` with its result; false when it was answered already (the value is late). */
  answer<R>(call: Call<Tag>, value: R): boolean {
    const entry = this.#calls.get(call.id);
    if (entry !== call) return false;
    this.#close(entry);
    this.#options.observe?.(entry, undefined);
    (entry.resolve as (value: R) => void)(value);
    return true;
  }

  /** Answers `call` with `error`, unless it was answered already. */
  fail(call: Call<Tag>, error: Error): void {
    const entry = this.#calls.get(call.id);
    if (entry !== call) return;
    this.#close(entry);
    this.#options.observe?.(entry, error);
    entry.reject(error);
  }

  /**
   * A call whose reply is a promise (comlink): `send` starts it (a throw or a rejection is passed
   * to `translate`) and may set `call.tag`; a reply that comes after the call was answered
   * otherwise goes to `discard`.
   */
  track<R>(
    method: string,
    options: CallOptions,
    send: (call: Call<Tag>) => Promise<R>,
    translate: (error: unknown) => Error,
    discard?: (late: R) => void,
  ): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const call = this.open(method, options, resolve, reject);
      if (!call) return;
      let reply: Promise<R>;
      try {
        reply = send(call);
      } catch (error) {
        this.fail(call, translate(error));
        return;
      }
      reply.then(
        (value) => {
          if (!this.answer(call, value)) discard?.(value);
        },
        (error: unknown) => this.fail(call, translate(error)),
      );
    });
  }

  /** Fails every call (or those `which` picks) with the error `make` builds; returns how many. */
  failAll(make: (call: Call<Tag>) => Error, which?: (call: Call<Tag>) => boolean): number {
    const calls = [...this.#calls.values()].filter((call) => !which || which(call));
    for (const call of calls) this.fail(call, make(call));
    return calls.length;
  }

  /** Where the calls in flight went, each place once (calls not sent anywhere yet left out). */
  tags(): Set<Tag> {
    const tags = new Set<Tag>();
    for (const call of this.#calls.values()) if (call.tag !== undefined) tags.add(call.tag);
    return tags;
  }

  /** Calls for which `which` holds. */
  count(which: (call: Call<Tag>) => boolean): number {
    let n = 0;
    for (const call of this.#calls.values()) if (which(call)) n++;
    return n;
  }

  /** Resolves when no call is in flight. */
  idle(): Promise<void> {
    if (this.#calls.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /**
   * Resolves when no call is in flight or once `graceMs` passed (of any length), whichever comes
   * first: a close()'s grace for the calls still out.
   */
  async idleWithin(graceMs: number): Promise<void> {
    if (this.#calls.size === 0 || graceMs <= 0) return;
    let grace: LongTimeout | undefined;
    await Promise.race([
      this.idle(),
      new Promise<void>((resolve) => {
        grace = longTimeout(graceMs, resolve);
      }),
    ]);
    grace?.cancel();
  }

  #close(entry: Entry<Tag>): void {
    this.#calls.delete(entry.id);
    disarmDeadline(entry);
    if (this.#calls.size === 0) for (const wake of this.#idleWaiters.splice(0)) wake();
  }
}
