import type { CallOptions } from '../../actor/call-options.js';
import {
  armDeadline,
  type Deadline,
  disarmDeadline,
  timeoutRefusal,
} from '../../actor/core/deadline.js';
import { Mailbox, type MailboxOptions } from '../../actor/mailbox.js';
import {
  AbortError,
  ActorCrashedError,
  ActorStoppedError,
  type RoundtableError,
  TimeoutError,
} from '../../errors.js';

/**
 * A runner's answer for a message it took but never started, because it died or was killed
 * first (a message waiting behind the running one, see Runner.depth): the message goes back in
 * line, as if it had never left the mailbox, unless the actor has stopped.
 */
export class NeverStartedError extends ActorCrashedError {}

/** Whatever runs one message at a time for an actor: a model replica, or a fake in tests. */
/** How a runner answers a message, once: with its result, or with a typed error. */
export type Settle<Res> = (result: Res | undefined, error: RoundtableError | undefined) => void;

export interface Runner<Req, Res> {
  /**
   * Runs the message and calls `settle` once: with the result, or with a typed error
   * (ActorCrashedError if it died); possibly before it returns. It does not throw. A callback
   * rather than a promise: this runs for every ask, and a promise per layer cost allocations and
   * turns of the microtask queue (docs/architecture.md).
   */
  run(id: number, request: Req, settle: Settle<Res>): void;
  /**
   * Runs several messages as one (dynamic batching). Settles once: with one result per request,
   * in order, or with one error for all of them.
   */
  runBatch?(ids: readonly number[], requests: readonly Req[]): Promise<Res[]>;
  /**
   * The message `id` it took was answered otherwise (timeout or abort): if the runner has not
   * started it, it may drop it instead of running it. The run's promise still settles, once.
   */
  cancel?(id: number): void;
  /** False while the runner is being ended: it takes no new message. Default true. */
  readonly available?: boolean;
  /**
   * How many messages it takes at once: the one it runs and those that wait in it to run next
   * (a model replica's doorbell holds a second one, so its worker starts it without waiting for
   * this thread). Default 1.
   */
  readonly depth?: number;
}

export interface DispatcherHooks<Res> {
  /** The mailbox refused or parked a sender. */
  readonly onFull?: (capacity: number, waiting: number) => void;
  /** A message addressed to the actor after it stopped, or still queued when it stopped. */
  readonly onDeadLetter?: (reason: string) => void;
  /** A result that came after its message had been answered otherwise: free what it owns. */
  readonly discard?: (late: Res) => void;
  /** Each message's one answer: how long it ran (undefined if it never ran) and its error. */
  readonly onSettled?: (runMs: number | undefined, error: RoundtableError | undefined) => void;
}

export interface DispatcherStats {
  /** Messages waiting in the mailbox or for a restarted runner. */
  readonly queued: number;
  /** Messages on a runner now. */
  readonly inFlight: number;
  /** Messages answered with a result. */
  readonly succeeded: number;
  /** Messages answered with an error. */
  readonly failed: number;
  /** Results that came after their message was answered otherwise (timeout, abort), and were freed. */
  readonly late: number;
  /**
   * Messages put back in line because their runner was retired under them, or died before it
   * started them (NeverStartedError).
   */
  readonly requeued: number;
  /**
   * Results for a message already answered with a result: a message run twice. Zero by
   * construction (a message is put back in line only after its runner failed it); counted so a
   * soak can show it.
   */
  readonly duplicates: number;
}

/**
 * Dynamic batching, as Triton does it: when a runner is free, up to `maxBatch` queued messages of
 * one `key` go to it as one run; with fewer queued, the oldest waits at most `maxDelayMs` for more.
 */
export interface BatchPolicy<Req> {
  readonly maxBatch: number;
  readonly maxDelayMs: number;
  /** Messages that can share a run have the same key (their shapes past the batch dimension). */
  readonly key: (request: Req) => string;
}

type State = 'queued' | 'running' | 'settled';

/** A message in the dispatcher, with its deadline (timeout and abort; see core/deadline.ts). */
interface Envelope<Req, Res> extends Deadline {
  readonly id: number;
  /** Undefined until {@link prepare} built it: when the message is taken for a runner. */
  request: Req | undefined;
  /** Builds the request late, so that a queued or parked message holds nothing but itself. */
  readonly prepare: (() => Req) | undefined;
  readonly resolve: (result: Res) => void;
  readonly reject: (error: RoundtableError) => void;
  state: State;
  /** When it was admitted (batching waits at most maxDelayMs past the oldest); 0 without batching. */
  readonly admitted: number;
  /** Run on its own: its batch failed, and running it alone tells whose fault it was. */
  alone: boolean;
  /** How it was answered, once it was. */
  outcome: 'resolved' | 'failed' | undefined;
  started: number;
}

/**
 * The heart of an actor with a mailbox: admits messages (bounded, with the mailbox's overflow
 * policy), hands each to an idle runner, and answers every admitted message exactly once: with
 * its result, or with a typed error (timeout, abort, crash, stop). Everything that can happen to
 * a message goes through one `settle`, which refuses a second answer; a result that comes after
 * the message was answered otherwise is handed to `discard`, so what it owns is freed.
 *
 * A runner can leave in two ways. `remove`: it died; its message is answered by its own rejection
 * (ActorCrashedError). `retire`: the actor's supervisor is replacing a healthy runner (another
 * actor died and the strategy restarts this one too); its message, if the runner dies before
 * answering, goes back to the front of the line for the next runner, since that message did
 * nothing wrong. No result is lost or doubled that way: a runner's reply posted before it died is
 * delivered before its death is known, and then the message is answered, not requeued.
 */
export class Dispatcher<Req, Res> {
  readonly #actor: string;
  readonly #mailbox: Mailbox<Envelope<Req, Res>>;
  readonly #hooks: DispatcherHooks<Res>;
  /** Messages whose runner was retired under them: served before the mailbox. */
  readonly #again: Envelope<Req, Res>[] = [];
  /**
   * One entry per free place on a runner. Taken from the end, where the places of empty runners
   * go; the places behind a message already running go to the front, so a message goes to an
   * empty runner before it waits behind another.
   */
  readonly #idle: Runner<Req, Res>[] = [];
  readonly #running = new Map<Envelope<Req, Res>, Runner<Req, Res>>();
  readonly #retired = new WeakSet<Runner<Req, Res>>();
  readonly #gone = new WeakSet<Runner<Req, Res>>();
  #idleWaiters: (() => void)[] = [];
  /** Runs whose message was answered already (timeout, abort) while the runner still works on it. */
  #abandoned = 0;
  #nextId = 1;
  #stopped: RoundtableError | undefined;
  #stats = { succeeded: 0, failed: 0, late: 0, requeued: 0, duplicates: 0 };
  readonly #batch: BatchPolicy<Req> | undefined;
  /** Wakes the dispatch when the oldest queued message has waited maxDelayMs for a batch to fill. */
  #batchTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    actor: string,
    mailbox: MailboxOptions = {},
    hooks: DispatcherHooks<Res> = {},
    batch?: BatchPolicy<Req>,
  ) {
    this.#actor = actor;
    this.#hooks = hooks;
    this.#batch = batch;
    this.#mailbox = new Mailbox<Envelope<Req, Res>>(actor, mailbox, () =>
      hooks.onFull?.(this.#mailbox.capacity, this.#mailbox.size),
    );
  }

  get capacity(): number {
    return this.#mailbox.capacity;
  }

  get stopped(): RoundtableError | undefined {
    return this.#stopped;
  }

  stats(): DispatcherStats {
    return {
      queued: this.#mailbox.size + this.#again.length,
      inFlight: this.#running.size,
      ...this.#stats,
    };
  }

  /** Admits a message; the promise is its one answer. */
  submit(request: Req, options: CallOptions = {}): Promise<Res> {
    return this.#submit(request, undefined, options);
  }

  /**
   * Admits a message whose request is built only when it is taken for a runner: a message that
   * waits in the mailbox, or a sender parked by the 'wait' policy, holds no arena memory. If
   * `prepare` throws, the message is answered with its error.
   */
  submitPrepared(prepare: () => Req, options: CallOptions = {}): Promise<Res> {
    return this.#submit(undefined, prepare, options);
  }

  #submit(
    request: Req | undefined,
    prepare: (() => Req) | undefined,
    options: CallOptions,
  ): Promise<Res> {
    if (this.#stopped) {
      this.#hooks.onDeadLetter?.(this.#stopped.message);
      return Promise.reject(
        new ActorStoppedError(`actor "${this.#actor}" has stopped: ${this.#stopped.message}`),
      );
    }
    return new Promise<Res>((resolve, reject) => {
      const envelope: Envelope<Req, Res> = {
        id: this.#nextId++,
        request,
        prepare,
        resolve,
        reject,
        state: 'queued',
        admitted: this.#batch ? performance.now() : 0,
        alone: false,
        outcome: undefined,
        started: 0,
        timer: undefined,
        signal: options.signal,
        onAbort: undefined,
      };
      if (!this.#arm(envelope, options)) return;
      let admitted: true | Promise<void>;
      try {
        admitted = this.#mailbox.put(envelope, options.signal);
      } catch (error) {
        this.#fail(envelope, error as RoundtableError);
        return;
      }
      if (admitted === true) this.#dispatch();
      else
        admitted.then(
          () => this.#dispatch(),
          (error: RoundtableError) => this.#fail(envelope, error),
        );
    });
  }

  /** A runner ready for work (new, or restarted). */
  add(runner: Runner<Req, Res>): void {
    for (let place = 1; place < (runner.depth ?? 1); place++) this.#idle.unshift(runner);
    this.#idle.push(runner);
    this.#dispatch();
  }

  /** A runner died: it gets no more messages; its message in flight is answered by its rejection. */
  remove(runner: Runner<Req, Res>): void {
    this.#gone.add(runner);
    this.#drop(runner);
  }

  /**
   * A runner is being replaced while healthy: it gets no more messages, and its message in flight,
   * if the runner dies before answering, is run again by the next runner.
   */
  retire(runner: Runner<Req, Res>): void {
    this.#retired.add(runner);
    this.#drop(runner);
  }

  /**
   * Refuses every message from now on (dead letters), and answers those still queued with
   * ActorStoppedError. Messages in flight keep running; see {@link abandonInFlight}.
   */
  stop(reason: RoundtableError): void {
    if (this.#stopped) return;
    this.#stopped = reason;
    clearTimeout(this.#batchTimer);
    const error = new ActorStoppedError(`actor "${this.#actor}" has stopped: ${reason.message}`);
    const queued = [...this.#again.splice(0), ...this.#mailbox.drain(error)];
    for (const envelope of queued) {
      if (envelope.state === 'settled') continue;
      this.#hooks.onDeadLetter?.(reason.message);
      this.#fail(envelope, error);
    }
  }

  /** Answers every message in flight with the error `make` builds; their late results are freed. */
  abandonInFlight(make: (id: number) => RoundtableError): void {
    for (const envelope of [...this.#running.keys()]) this.#fail(envelope, make(envelope.id));
  }

  /** Resolves once no runner is busy (results of abandoned messages included). */
  idle(): Promise<void> {
    if (this.#busy() === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  #busy(): number {
    return this.#running.size + this.#abandoned;
  }

  #drop(runner: Runner<Req, Res>): void {
    for (let at = this.#idle.indexOf(runner); at >= 0; at = this.#idle.indexOf(runner)) {
      this.#idle.splice(at, 1);
    }
  }

  /**
   * A message its runner failed goes back in line when it never ran (NeverStartedError), or when
   * the runner was retired under it and died (a healthy replacement, not the message, ended it).
   */
  #requeues(runner: Runner<Req, Res>, error: RoundtableError): boolean {
    if (this.#stopped || !(error instanceof ActorCrashedError)) return false;
    return error instanceof NeverStartedError || this.#retired.has(runner);
  }

  /** A place on `runner` is free again: last in line if the runner is empty now, else first. */
  #free(runner: Runner<Req, Res>): void {
    if (this.#retired.has(runner) || this.#gone.has(runner) || runner.available === false) return;
    for (const busy of this.#running.values()) {
      if (busy === runner) {
        this.#idle.unshift(runner);
        return;
      }
    }
    this.#idle.push(runner);
  }

  /** Sets the timeout and the abort listener; false if the message is answered already. */
  #arm(envelope: Envelope<Req, Res>, options: CallOptions): boolean {
    const { timeout, signal } = options;
    // The common ask has neither: nothing to arm, nothing allocated.
    if (timeout === undefined && !signal) return true;
    const refusal = timeoutRefusal(`actor "${this.#actor}"`, timeout);
    if (refusal) {
      this.#fail(envelope, refusal as never);
      return false;
    }
    const where = `actor "${this.#actor}": message ${envelope.id}`;
    if (signal?.aborted) {
      this.#fail(envelope, new AbortError(`${where} was aborted before it was sent`));
      return false;
    }
    armDeadline(
      envelope,
      timeout,
      signal,
      () => {
        const state = envelope.state;
        const runner = this.#withdraw(envelope);
        this.#fail(envelope, new TimeoutError(`${where} timed out after ${timeout} ms (${state})`));
        runner?.cancel?.(envelope.id);
      },
      () => {
        const state = envelope.state;
        const runner = this.#withdraw(envelope);
        this.#fail(
          envelope,
          new AbortError(
            `${where} was aborted (${state === 'running' ? 'running; its outputs will be freed' : 'queued'})`,
            { cause: signal!.reason },
          ),
        );
        runner?.cancel?.(envelope.id);
      },
    );
    return true;
  }

  /**
   * Takes a message that is being answered early out of every line it waits in; returns the
   * runner it is on, if it was taken by one (told to drop it once it is answered).
   */
  #withdraw(envelope: Envelope<Req, Res>): Runner<Req, Res> | undefined {
    if (envelope.state === 'running') return this.#running.get(envelope);
    if (envelope.state !== 'queued') return undefined;
    if (!this.#mailbox.remove(envelope)) {
      const at = this.#again.indexOf(envelope);
      if (at >= 0) this.#again.splice(at, 1);
    }
    return undefined;
  }

  #next(): Envelope<Req, Res> | undefined {
    for (;;) {
      const envelope = this.#again.shift() ?? this.#mailbox.take();
      if (!envelope) return undefined;
      if (envelope.state !== 'queued') continue;
      if (envelope.request === undefined) {
        try {
          envelope.request = envelope.prepare!();
        } catch (error) {
          this.#fail(envelope, error as RoundtableError);
          continue;
        }
      }
      return envelope;
    }
  }

  #dispatch(): void {
    // A runner being ended keeps no place in line: its next message would die with it.
    for (let i = this.#idle.length - 1; i >= 0; i--) {
      if (this.#idle[i]!.available === false) this.#idle.splice(i, 1);
    }
    while (this.#idle.length > 0) {
      const envelope = this.#next();
      if (!envelope) return;
      if (this.#batch && !envelope.alone && this.#idle.at(-1)!.runBatch) {
        if (!this.#dispatchBatch(envelope, this.#batch)) return;
        continue;
      }
      const runner = this.#idle.pop()!;
      envelope.state = 'running';
      envelope.started = performance.now();
      this.#running.set(envelope, runner);
      try {
        runner.run(envelope.id, envelope.request!, (result, error) =>
          this.#finished(envelope, runner, result, error),
        );
      } catch (error) {
        // A runner that breaks its word and throws: the message is still answered, once.
        if (this.#running.get(envelope) === runner)
          this.#finished(envelope, runner, undefined, error as RoundtableError);
      }
    }
  }

  /**
   * Gathers messages of `first`'s key behind it and hands them to one idle runner as a batch; or,
   * if the batch is not full and the oldest may still wait, puts them back in line and arms the
   * timer. False when it waits.
   */
  #dispatchBatch(first: Envelope<Req, Res>, policy: BatchPolicy<Req>): boolean {
    const key = policy.key(first.request!);
    const group = [first];
    let other: Envelope<Req, Res> | undefined;
    while (group.length < policy.maxBatch) {
      const next = this.#next();
      if (!next) break;
      if (next.alone || policy.key(next.request!) !== key) {
        other = next; // another shape: it leads the next batch, in its place in line
        break;
      }
      group.push(next);
    }
    const waited = performance.now() - first.admitted;
    if (group.length < policy.maxBatch && !other && waited < policy.maxDelayMs) {
      // Back in line, in order, ahead of the mailbox: nothing overtakes them.
      this.#again.unshift(...group);
      if (this.#batchTimer === undefined) {
        this.#batchTimer = setTimeout(() => {
          this.#batchTimer = undefined;
          this.#dispatch();
        }, policy.maxDelayMs - waited);
      }
      return false;
    }
    if (other) this.#again.unshift(other);
    clearTimeout(this.#batchTimer);
    this.#batchTimer = undefined;
    const runner = this.#idle.pop()!;
    const started = performance.now();
    for (const envelope of group) {
      envelope.state = 'running';
      envelope.started = started;
      this.#running.set(envelope, runner);
    }
    let run: Promise<Res[]>;
    try {
      run =
        group.length === 1
          ? new Promise<Res[]>((resolve, reject) =>
              runner.run(first.id, first.request!, (result, error) =>
                error ? reject(error) : resolve([result as Res]),
              ),
            )
          : runner.runBatch!(
              group.map((e) => e.id),
              group.map((e) => e.request!),
            );
    } catch (error) {
      run = Promise.reject(error);
    }
    run.then(
      (results) => this.#finishedBatch(group, runner, results, undefined),
      (error: RoundtableError) => this.#finishedBatch(group, runner, undefined, error),
    );
    return true;
  }

  /**
   * Each message of a batch is answered as #finished answers one. A batch that failed for any
   * reason but a crash has each of its messages run again alone, so a bad one fails by itself.
   */
  #finishedBatch(
    group: readonly Envelope<Req, Res>[],
    runner: Runner<Req, Res>,
    results: Res[] | undefined,
    error: RoundtableError | undefined,
  ): void {
    const isolate =
      error !== undefined && !(error instanceof ActorCrashedError) && group.length > 1;
    group.forEach((envelope, i) => {
      const mine = this.#running.get(envelope) === runner;
      if (mine) this.#running.delete(envelope);
      else this.#abandoned--;
      if (error === undefined) {
        const result = results![i] as Res;
        if (mine && envelope.state === 'running') this.#succeed(envelope, result);
        else {
          if (envelope.outcome === 'resolved') this.#stats.duplicates++;
          else this.#stats.late++;
          this.#hooks.discard?.(result);
        }
      } else if (mine && envelope.state === 'running') {
        if (this.#requeues(runner, error)) {
          envelope.state = 'queued';
          this.#stats.requeued++;
          this.#again.push(envelope);
        } else if (isolate && !this.#stopped) {
          envelope.state = 'queued';
          envelope.alone = true;
          this.#again.push(envelope);
        } else this.#fail(envelope, error);
      }
    });
    this.#free(runner);
    this.#dispatch();
    if (this.#busy() === 0) for (const wake of this.#idleWaiters.splice(0)) wake();
  }

  #finished(
    envelope: Envelope<Req, Res>,
    runner: Runner<Req, Res>,
    result: Res | undefined,
    error: RoundtableError | undefined,
  ): void {
    const mine = this.#running.get(envelope) === runner;
    if (mine) this.#running.delete(envelope);
    else this.#abandoned--;
    if (error === undefined) {
      if (mine && envelope.state === 'running') this.#succeed(envelope, result as Res);
      else {
        if (envelope.outcome === 'resolved') this.#stats.duplicates++;
        else this.#stats.late++;
        this.#hooks.discard?.(result as Res);
      }
    } else if (mine && envelope.state === 'running') {
      if (this.#requeues(runner, error)) {
        envelope.state = 'queued';
        this.#stats.requeued++;
        this.#again.push(envelope);
      } else this.#fail(envelope, error);
    }
    this.#free(runner);
    this.#dispatch();
    if (this.#busy() === 0) for (const wake of this.#idleWaiters.splice(0)) wake();
  }

  #succeed(envelope: Envelope<Req, Res>, result: Res): void {
    const runMs = performance.now() - envelope.started;
    this.#settle(envelope);
    envelope.outcome = 'resolved';
    this.#stats.succeeded++;
    this.#hooks.onSettled?.(runMs, undefined);
    envelope.resolve(result);
  }

  #fail(envelope: Envelope<Req, Res>, error: RoundtableError): void {
    if (envelope.state === 'settled') return;
    const runMs = envelope.state === 'running' ? performance.now() - envelope.started : undefined;
    if (this.#running.delete(envelope)) this.#abandoned++;
    this.#settle(envelope);
    envelope.outcome = 'failed';
    this.#stats.failed++;
    this.#hooks.onSettled?.(runMs, error);
    envelope.reject(error);
  }

  #settle(envelope: Envelope<Req, Res>): void {
    envelope.state = 'settled';
    disarmDeadline(envelope);
  }
}
