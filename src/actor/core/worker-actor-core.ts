import {
  ActorCrashedError,
  ActorStoppedError,
  MailboxFullError,
  type RoundtableError,
  serializeError,
} from '../../errors.js';
import type { ActorContext } from '../context.js';
import type {
  ActorHealth,
  ActorState,
  DeathHandler,
  Supervisable,
} from '../supervision/supervisable.js';
import { type ActorWorker, errorText } from './actor-worker.js';
import { type Call, CallLedger } from './call-ledger.js';

/** What the core holds of one worker: its life, and whatever the actor reaches it through. */
export interface Tenant {
  readonly life: ActorWorker<unknown>;
  /** Delivers replies still queued on another port before the worker's calls count as crashed. */
  drain?(): void;
  /** Frees what the actor kept for this worker once its calls are answered. */
  close?(): void;
  /**
   * Ends the worker on purpose (the actor closes, or a restart replaces it); its exit is expected.
   * Default `life.end()`. A model replica first stops taking messages (see replica.ts).
   */
  end?(): Promise<void>;
}

export interface WorkerActorSpec<W extends Tenant> {
  readonly name: string;
  readonly kind: ActorHealth['kind'];
  readonly context: ActorContext;
  /** Starts a fresh worker (the first one, and each restart). */
  readonly launch: () => Promise<W>;
  /** Listens to a worker's messages, once it is the actor's. */
  readonly adopt?: (tenant: W) => void;
  /** Calls that may wait while a restart is under way; more are refused with MailboxFullError. */
  readonly waiting: { readonly capacity: number; readonly option: string } | undefined;
  /** How a call is named in its errors: `actor "x": run() (call 3)`. */
  readonly where: (call: Call<W>) => string;
  /** Each call's one answer. */
  readonly observe?: (call: Call<W>, error: Error | undefined) => void;
  /** The restart policy while no supervisor manages the actor; none: a death stops it. */
  readonly policy?: (actor: Supervisable) => DeathHandler;
  /**
   * Set when this core carries one replica of an actor with several (a decoder's): its events and
   * deaths name the replica, and the actor announces its own stop once, not once per replica.
   */
  readonly replica?: number;
  /**
   * Every reply of a worker is in by the time its exit is heard (a model replica: its port's
   * messages come before 'exit', and it takes its doorbell's answers in its own exit listener).
   * Its calls are then settled, what it held reclaimed and its death decided in the exit's own
   * turn, before any caller hears of the crash, rather than a turn later (see #exited).
   */
  readonly settlesAtExit?: boolean;
}

/**
 * The life of an actor with one worker that takes every call at once (custom and fusion actors),
 * or of one replica of an actor with several, each its own queue (a decoder's; see `replica`):
 * the calls in flight (a {@link CallLedger}, each tagged with the worker it went to), the live
 * worker or the restart under way (calls wait for the next worker, within a capacity), death
 * (the worker's calls are answered with ActorCrashedError, what it wrote and never handed over is
 * reclaimed, the death goes to the supervision policy), restart, stop (dead letters), close with
 * a grace period, and health. The actor on top adds only what it sends and how it reads replies.
 *
 * Settlement lives in one of two places. Custom, fusion and decoder calls are settled here, by
 * {@link calls}. A model actor's messages are settled by its dispatcher (src/engines/onnx/dispatcher.ts),
 * which hands each to whichever replica is free, batches them and carries the doorbell's hot path:
 * a message there is not tied to one core's worker until a replica takes it, and a ledger entry
 * per ask would add a Map operation and an allocation to every ask. Its cores' ledgers stay empty;
 * they carry each replica's life (restart, death, health, close) and reclaim what a dead worker held.
 */
export class WorkerActorCore<W extends Tenant> implements Supervisable {
  readonly name: string;
  readonly calls: CallLedger<W>;
  readonly #spec: WorkerActorSpec<W>;
  readonly #context: ActorContext;
  /** The live worker; undefined while a restart is under way. */
  #current: W | undefined;
  /** Resolves with the next worker while a restart is under way. */
  #next: { promise: Promise<W>; resolve: (w: W) => void; reject: (e: Error) => void } | undefined;
  #restartTimer: ReturnType<typeof setTimeout> | undefined;
  #starting: Promise<unknown> | undefined;
  /** True while a restart launches its worker (a failed launch may decide another restart). */
  #launching = false;
  /** Why calls are refused now; undefined while the actor runs. */
  #stopped: RoundtableError | undefined;
  #closing: Promise<void> | undefined;
  #onDeath: DeathHandler | undefined;
  #restarts = 0;
  #reclaimedBytes = 0;
  /** Stopped by {@link halt}: the live worker still runs until stop() or close() ends it. */
  #halted = false;
  readonly #replica: number;
  #onExit: (exitCode: number, expected: boolean, tenant: W) => void = () => {};

  private constructor(spec: WorkerActorSpec<W>, first: W) {
    this.name = spec.name;
    this.#spec = spec;
    this.#context = spec.context;
    this.#replica = spec.replica ?? 0;
    this.calls = new CallLedger<W>({ where: spec.where, observe: spec.observe });
    this.#onDeath = spec.policy?.(this);
    this.#adopt(first);
  }

  /** Starts the first worker; rejects with why it could not start. */
  static async start<W extends Tenant>(spec: WorkerActorSpec<W>): Promise<WorkerActorCore<W>> {
    const core = new WorkerActorCore(spec, await spec.launch());
    spec.context.events.emit('actor:started', { actor: spec.name, replica: spec.replica ?? 0 });
    return core;
  }

  /** The live worker, if any (undefined while a restart is under way or once stopped). */
  get current(): W | undefined {
    return this.#current;
  }

  /**
   * While a restart is under way, the next worker (rejected if the actor stops first); undefined
   * while a worker is live or once stopped.
   */
  get upcoming(): Promise<W> | undefined {
    return this.#next?.promise;
  }

  get alive(): boolean {
    return this.#stopped === undefined;
  }

  /** Workers started by a restart since the first. */
  get restarts(): number {
    return this.#restarts;
  }

  /** Arena bytes that its dead workers had written and never handed over, given back. */
  get reclaimedBytes(): number {
    return this.#reclaimedBytes;
  }

  get state(): ActorState {
    if (this.#stopped) return 'stopped';
    return this.#current ? 'running' : 'restarting';
  }

  health(): ActorHealth {
    const waiting = this.calls.count((call) => call.tag === undefined);
    return {
      name: this.name,
      kind: this.#spec.kind,
      state: this.state,
      replicas: 1,
      alive: this.#current ? 1 : 0,
      queued: waiting,
      inFlight: this.calls.size - waiting,
    };
  }

  /**
   * Refuses a call at the door: the runtime is closing, or the actor has stopped (a dead letter).
   * Undefined when the call may go on.
   */
  refuse(method: string): Promise<never> | undefined {
    const closing = this.#context.admission?.refusal(this.name, `${method}()`);
    if (closing) return Promise.reject(closing);
    if (!this.#stopped) return undefined;
    this.#context.events.emit('dead-letter', { actor: this.name, reason: this.#stopped.message });
    return Promise.reject(this.#stoppedError(method));
  }

  /**
   * The worker a call goes to, tagging the call with it: the live one at once, or the next one
   * once a restart has brought it up (calls past the waiting capacity are refused).
   */
  worker(call: Call<W>): Promise<W> {
    const current = this.#current;
    if (current) {
      call.tag = current;
      return Promise.resolve(current);
    }
    const next = this.#next;
    if (!next) return Promise.reject(this.#stoppedError(call.method));
    const limit = this.#spec.waiting;
    const waiting = this.calls.count((c) => c.tag === undefined) - 1;
    if (limit && waiting >= limit.capacity) {
      this.#context.events.emit('mailbox:full', {
        actor: this.name,
        capacity: limit.capacity,
        waiting,
      });
      return Promise.reject(
        new MailboxFullError(
          `mailbox of actor "${this.name}" is full (capacity ${limit.capacity}, ${waiting} waiting for its restart); ` +
            `size it with ${limit.option}`,
        ),
      );
    }
    return next.promise.then((tenant) => {
      call.tag = tenant;
      return tenant;
    });
  }

  /**
   * Called once per worker exit, with the worker that exited; `expected` is true after close or a
   * strategy's restart.
   */
  onExit(listener: (exitCode: number, expected: boolean, tenant: W) => void): void {
    this.#onExit = listener;
  }

  superviseBy(handler: DeathHandler): void {
    this.#onDeath = handler;
  }

  restart(_which: number | 'all', delayMs: number): void {
    if (this.#stopped || this.#restartTimer !== undefined || this.#launching) return;
    const old = this.#current;
    this.#awaitNext();
    // Healthy, but replaced by the strategy: its calls in flight are answered as crashed.
    if (old) void this.#end(old);
    this.#restartTimer = setTimeout(() => {
      this.#restartTimer = undefined;
      const starting = this.#replace(old, delayMs).finally(() => {
        if (this.#starting === starting) this.#starting = undefined;
      });
      this.#starting = starting;
    }, delayMs);
  }

  stop(reason: RoundtableError): Promise<void> {
    return this.#shutdown(reason, 0, undefined);
  }

  /**
   * Stops restarting at once (a restart pending is called off, one launching is ended once up),
   * leaving the live worker to finish what it runs: an actor that gives its own messages a grace
   * period (a model actor's dispatcher) halts its cores first and stops them after.
   */
  halt(reason: RoundtableError): void {
    if (this.#stopped) return;
    this.#halted = true;
    this.#stop(reason);
  }

  /**
   * Stops the actor: new calls are refused with ActorStoppedError at once, calls in flight get
   * `graceMs` to finish, then the worker is terminated and those still in flight are answered
   * with the error `late` builds (by default ActorStoppedError naming the call).
   */
  close(graceMs = 5_000, late?: (call: Call<W>) => Error): Promise<void> {
    return this.#shutdown(new ActorStoppedError(`actor "${this.name}" was closed`), graceMs, late);
  }

  /** Terminates the worker as a fault would (tests and fault injection). */
  async kill(): Promise<void> {
    await this.#current?.life.terminate();
  }

  #shutdown(
    reason: RoundtableError,
    graceMs: number,
    late: ((call: Call<W>) => Error) | undefined,
  ): Promise<void> {
    this.#closing ??= (async () => {
      if (this.#stopped && !this.#halted) {
        await this.#current?.life.terminate();
        return;
      }
      this.#stop(reason);
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        this.calls.idle(),
        new Promise((resolve) => {
          timer = setTimeout(resolve, graceMs);
        }),
      ]);
      clearTimeout(timer);
      this.calls.failAll(
        late ??
          ((call) =>
            new ActorStoppedError(
              `actor "${this.name}" was closed while ${call.method}() (call ${call.id}) was in flight ` +
                `(it had ${graceMs} ms to finish)`,
            )),
      );
      await this.#starting;
      if (this.#current) await this.#end(this.#current);
    })();
    return this.#closing;
  }

  #awaitNext(): void {
    if (this.#next) return;
    let resolve: (w: W) => void = () => {};
    let reject: (e: Error) => void = () => {};
    const promise = new Promise<W>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    promise.catch(() => {}); // nobody may be waiting
    this.#current = undefined;
    this.#next = { promise, resolve, reject };
  }

  async #replace(old: W | undefined, delayMs: number): Promise<void> {
    // Set from the moment the timer fires, so a second restart decided while the old worker is
    // still exiting does not launch a second worker.
    this.#launching = true;
    let tenant: W | undefined;
    let failure: unknown;
    try {
      if (old) await old.life.exited;
      if (!this.#stopped) tenant = await this.#spec.launch();
    } catch (error) {
      failure = error;
    }
    this.#launching = false;
    if (this.#stopped) {
      if (tenant) await this.#end(tenant);
      return;
    }
    if (!tenant) {
      this.#onDeath?.({
        actor: this.name,
        replica: this.#replica,
        exitCode: -1,
        error: failure as RoundtableError,
      });
      return;
    }
    this.#restarts++;
    this.#adopt(tenant);
    const next = this.#next;
    this.#next = undefined;
    next?.resolve(tenant);
    this.#context.events.emit('actor:restarted', {
      actor: this.name,
      replica: this.#replica,
      attempt: this.#restarts,
      delayMs,
    });
  }

  #end(tenant: W): Promise<void> {
    return tenant.end ? tenant.end() : tenant.life.end();
  }

  #adopt(tenant: W): void {
    this.#current = tenant;
    this.#spec.adopt?.(tenant);
    tenant.life.onExit((code) => this.#exited(tenant, code));
  }

  #stoppedError(method: string): ActorStoppedError {
    return new ActorStoppedError(
      `actor "${this.name}": ${method}() refused: the actor has stopped (${this.#stopped?.message ?? 'stopped'})`,
    );
  }

  #stop(reason: RoundtableError): void {
    if (this.#stopped) return;
    this.#stopped = reason;
    clearTimeout(this.#restartTimer);
    this.#restartTimer = undefined;
    // Calls waiting for a restart that will not come: they were never delivered.
    const next = this.#next;
    this.#next = undefined;
    if (next) {
      const waiting = this.calls.count((call) => call.tag === undefined);
      for (let i = 0; i < waiting; i++) {
        this.#context.events.emit('dead-letter', { actor: this.name, reason: reason.message });
      }
      this.calls.failAll(
        (call) => this.#stoppedError(call.method),
        (call) => call.tag === undefined,
      );
      next.reject(this.#stoppedError('call'));
    }
    if (this.#spec.replica !== undefined) return; // the actor announces its own stop
    this.#context.events.emit('actor:stopped', {
      actor: this.name,
      reason: serializeError(reason),
    });
  }

  #exited(tenant: W, code: number): void {
    const life = tenant.life;
    const expected = life.ending || this.#closing !== undefined;
    if (this.#current === tenant) this.#current = undefined;
    const cause = life.error;
    const why = `exit code ${code}${cause ? `: ${errorText(cause)}` : ''}`;
    const who =
      this.#spec.replica === undefined
        ? `actor "${this.name}"`
        : `actor "${this.name}": replica ${this.#replica}`;
    const crash = new ActorCrashedError(`${who} died (${why})`, { cause });
    const restarting = !expected && this.#onDeath !== undefined && !this.#stopped;
    if (restarting) this.#awaitNext();
    else if (!expected && !this.#next) this.#stop(crash);
    // Replies the worker posted before it died may still be queued on another port: deliver them
    // first, and let their promise chains run, so only calls that truly got no answer count as
    // crashed.
    tenant.drain?.();
    const settle = () => {
      const mine = (call: Call<W>) => call.tag === tenant;
      const inFlight = this.calls.count(mine);
      const replaced = life.ending && !this.#closing;
      this.calls.failAll(
        (call) =>
          new ActorCrashedError(
            replaced
              ? `actor "${this.name}" was restarted by its supervisor while ${call.method}() (call ${call.id}) was in flight, one of ${inFlight}`
              : `actor "${this.name}" died (${why}) while ${call.method}() (call ${call.id}) was in ` +
                  `flight, one of ${inFlight}`,
            { cause },
          ),
        mine,
      );
      tenant.close?.();
      // Every reply it posted has been taken: what is still journaled was never handed over.
      const reclaimed = life.reclaim(this.#context.arena);
      this.#reclaimedBytes += reclaimed.bytes;
      if (reclaimed.blocks > 0) {
        this.#context.events.emit('arena:reclaimed', {
          actor: this.name,
          replica: this.#replica,
          ...reclaimed,
        });
      }
    };
    const decide = () => {
      if (!restarting) return;
      this.#onDeath?.({
        actor: this.name,
        replica: this.#replica,
        exitCode: code,
        error: crash,
      });
    };
    const exited = () => {
      this.#context.events.emit('actor:exited', {
        actor: this.name,
        replica: this.#replica,
        exitCode: code,
        expected,
      });
      this.#onExit(code, expected, tenant);
    };
    if (this.#spec.settlesAtExit) {
      settle();
      exited();
      decide();
      return;
    }
    setImmediate(() => {
      settle();
      decide();
    });
    exited();
  }
}
