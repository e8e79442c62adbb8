import type { Worker } from 'node:worker_threads';
import type { CallOptions } from '../actor/call-options.js';
import { Holdings } from '../actor/holdings.js';
import type { FromFusionWorker, ToFusionWorker } from '../actor/protocol.js';
import { RestartBudget, type RestartOptions } from '../actor/restart-budget.js';
import { createGuard, terminateGuarded } from '../actor/worker-guard.js';
import {
  AbortError,
  ActorCrashedError,
  ActorStoppedError,
  type RoundtableError,
  reviveError,
  serializeError,
  TimeoutError,
} from '../errors.js';
import type { ActorContext } from '../runtime/context.js';
import type { ActorHealth, ActorState } from '../supervision/supervisable.js';
import { type LongTimeout, longTimeout } from '../util/long-timeout.js';
import { spawnWorker } from '../util/spawn-worker.js';
import type { FuseReply, FuseRequest, Fuser } from './fuser.js';
import type { FusionWorkerData } from './fusion-worker.js';

interface Pending {
  readonly resolve: (reply: FuseReply) => void;
  readonly reject: (error: RoundtableError) => void;
  readonly cleanup: () => void;
  readonly started: number;
  /** The worker it was posted to; undefined while it waits for a worker to be ready. */
  posted: Incarnation | undefined;
}

/** One worker of the fusion actor, from spawn to exit. */
interface Incarnation {
  readonly worker: Worker;
  readonly guard: Int32Array;
  readonly holdings: Holdings;
  readonly ready: Promise<void>;
  readonly exited: Promise<number>;
  error: Error | undefined;
}

/**
 * The fusion actor: a worker of its own that combines model outputs in place in the arena, so the
 * fusion arithmetic never runs on the caller's event loop. Several fusions may be in flight; the
 * worker takes them in order. If it dies, every fusion posted to it is answered with
 * ActorCrashedError, the fused tensors it had written are reclaimed, and the worker is restarted
 * (within a restart budget); fusions asked for meanwhile wait for the new worker.
 */
export class FusionActor implements Fuser {
  readonly name: string;
  readonly #context: ActorContext;
  readonly #pending = new Map<number, Pending>();
  readonly #restarts: RestartBudget;
  #current: Incarnation;
  /** Resolves with the worker to post to; replaced while a restart is under way. */
  #ready: Promise<Incarnation>;
  #nextId = 1;
  #closing: Promise<void> | undefined;
  #stopped: RoundtableError | undefined;
  #restartTimer: ReturnType<typeof setTimeout> | undefined;
  #alive = false;
  /** close() waiting for the pending fusions to be answered. */
  #idleWaiters: (() => void)[] = [];

  private constructor(name: string, context: ActorContext, restart: RestartOptions | undefined) {
    this.name = name;
    this.#context = context;
    this.#restarts = new RestartBudget(restart);
    this.#current = this.#start();
    this.#ready = this.#current.ready.then(() => this.#current);
  }

  static async spawn(
    name: string,
    context: ActorContext,
    restart?: RestartOptions,
  ): Promise<FusionActor> {
    const actor = new FusionActor(name, context, restart);
    await actor.#ready;
    return actor;
  }

  get state(): ActorState {
    if (this.#stopped) return 'stopped';
    return this.#alive ? 'running' : 'restarting';
  }

  health(): ActorHealth {
    let posted = 0;
    for (const pending of this.#pending.values()) if (pending.posted) posted++;
    return {
      name: this.name,
      kind: 'fusion',
      state: this.state,
      replicas: 1,
      alive: this.#alive ? 1 : 0,
      queued: this.#pending.size - posted,
      inFlight: posted,
    };
  }

  fuse(request: FuseRequest, options: CallOptions = {}): Promise<FuseReply> {
    const refused = this.#context.admission?.refusal(this.name, 'fuse()');
    if (refused) return Promise.reject(refused);
    if (this.#stopped) {
      this.#context.events.emit('dead-letter', { actor: this.name, reason: this.#stopped.message });
      return Promise.reject(
        new ActorStoppedError(`actor "${this.name}" has stopped: ${this.#stopped.message}`),
      );
    }
    return new Promise<FuseReply>((resolve, reject) => {
      const id = this.#nextId++;
      let timer: LongTimeout | undefined;
      const onAbort = () =>
        this.#settle(
          id,
          new AbortError(`actor "${this.name}": fusion ${id} was aborted`, {
            cause: options.signal?.reason,
          }),
        );
      const pending: Pending = {
        resolve,
        reject,
        started: performance.now(),
        posted: undefined,
        cleanup: () => {
          timer?.cancel();
          options.signal?.removeEventListener('abort', onAbort);
        },
      };
      if (options.timeout !== undefined && !(options.timeout > 0)) {
        reject(
          new RangeError(`actor "${this.name}": timeout must be > 0 ms, got ${options.timeout}`),
        );
        return;
      }
      this.#pending.set(id, pending);
      if (options.signal?.aborted) return onAbort();
      options.signal?.addEventListener('abort', onAbort, { once: true });
      if (options.timeout !== undefined) {
        timer = longTimeout(options.timeout, () =>
          this.#settle(
            id,
            new TimeoutError(
              `actor "${this.name}": fusion ${id} timed out after ${options.timeout} ms`,
            ),
          ),
        );
      }
      void this.#ready.then((incarnation) => {
        const waiting = this.#pending.get(id);
        if (!waiting) return;
        waiting.posted = incarnation;
        this.#post(incarnation, { type: 'fuse', id, request });
      });
    });
  }

  /** Kills the worker as a fault would (tests and fault injection). */
  async kill(): Promise<void> {
    const incarnation = this.#current;
    await terminateGuarded(incarnation.worker, incarnation.guard, incarnation.exited);
  }

  /**
   * Stops the actor: fusions still pending get `graceMs` to finish, then the worker is terminated
   * (outside any fusion) and what is left is answered with ActorStoppedError.
   */
  close(graceMs = 5_000): Promise<void> {
    this.#closing ??= (async () => {
      const reason = new ActorStoppedError(`actor "${this.name}" was closed`);
      this.#stopped ??= reason;
      clearTimeout(this.#restartTimer);
      if (graceMs > 0 && this.#pending.size > 0) {
        const deadline = Date.now() + graceMs;
        while (this.#pending.size > 0 && Date.now() < deadline) {
          await Promise.race([
            this.#idle(),
            new Promise((resolve) => setTimeout(resolve, deadline - Date.now()).unref()),
          ]);
        }
      }
      for (const id of [...this.#pending.keys()]) {
        this.#settle(
          id,
          new ActorStoppedError(
            `actor "${this.name}" was closed while fusion ${id} was pending (it had ${graceMs} ms to finish)`,
          ),
        );
      }
      const incarnation = this.#current;
      await terminateGuarded(incarnation.worker, incarnation.guard, incarnation.exited);
      await incarnation.exited;
    })();
    return this.#closing;
  }

  #idle(): Promise<void> {
    if (this.#pending.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  #start(): Incarnation {
    const data: FusionWorkerData = {
      arena: this.#context.arena.handle(),
      actor: this.name,
      guard: createGuard(),
      holdings: Holdings.create(256).buffer,
      nice: this.#context.workerNice ?? 0,
    };
    const worker = spawnWorker(new URL('./fusion-worker.js', import.meta.url), {
      workerData: data,
    });
    this.#context.slabs.join(worker);
    let markReady: () => void = () => {};
    const incarnation: Incarnation = {
      worker,
      guard: new Int32Array(data.guard),
      holdings: new Holdings(data.holdings),
      ready: new Promise<void>((resolve) => {
        markReady = resolve;
      }),
      exited: new Promise<number>((resolve) => worker.on('exit', resolve)),
      error: undefined,
    };
    worker.on('message', (message: FromFusionWorker) => {
      switch (message.type) {
        case 'ready':
          this.#alive = true;
          this.#context.events.emit('actor:started', { actor: this.name, replica: 0 });
          markReady();
          return;
        case 'slab':
          this.#context.slabs.received(message.slab, message.buffer, worker);
          return;
        case 'fused':
          incarnation.holdings.free(message.held);
          this.#settle(message.id, undefined, message.reply);
          return;
        case 'failure':
          this.#settle(message.id, reviveError(message.error));
          return;
      }
    });
    worker.on('error', (error) => {
      incarnation.error = error; // 'exit' follows and does the accounting
    });
    void incarnation.exited.then((code) => this.#exited(incarnation, code));
    return incarnation;
  }

  #post(incarnation: Incarnation, message: ToFusionWorker): void {
    incarnation.worker.postMessage(message);
  }

  #settle(id: number, error: RoundtableError | undefined, reply?: FuseReply): void {
    const pending = this.#pending.get(id);
    if (!pending) {
      // Answered already (timeout, abort, crash): the fused tensor has no owner but us.
      if (reply) this.#context.arena.release(reply.output);
      return;
    }
    this.#pending.delete(id);
    pending.cleanup();
    const ms = pending.posted ? performance.now() - pending.started : undefined;
    this.#context.events.emit('actor:message', {
      actor: this.name,
      ms,
      ...(error ? { code: error.code } : {}),
    });
    if (error) pending.reject(error);
    else pending.resolve(reply!);
    if (this.#pending.size === 0) for (const wake of this.#idleWaiters.splice(0)) wake();
  }

  #exited(incarnation: Incarnation, code: number): void {
    this.#alive = false;
    this.#context.slabs.leave(incarnation.worker);
    // Its replies were delivered before 'exit': what is still journaled was never handed over.
    const reclaimed = incarnation.holdings.reclaim(this.#context.arena);
    if (reclaimed.blocks > 0) {
      this.#context.events.emit('arena:reclaimed', {
        actor: this.name,
        replica: 0,
        ...reclaimed,
      });
    }
    const expected = this.#closing !== undefined;
    this.#context.events.emit('actor:exited', {
      actor: this.name,
      replica: 0,
      exitCode: code,
      expected,
    });
    const why = incarnation.error ? `: ${incarnation.error.message}` : '';
    for (const [id, pending] of [...this.#pending]) {
      if (pending.posted !== incarnation) continue;
      this.#settle(
        id,
        new ActorCrashedError(
          `actor "${this.name}": the fusion worker died (exit code ${code}${why}) with fusion ${id} pending`,
        ),
      );
    }
    if (expected || this.#stopped) return;
    const delayMs = this.#restarts.next();
    if (delayMs === undefined) {
      this.#stopped = new ActorStoppedError(
        `actor "${this.name}" stopped: ${this.#restarts.describe()}`,
      );
      this.#context.events.emit('actor:stopped', {
        actor: this.name,
        reason: serializeError(this.#stopped),
      });
      for (const id of [...this.#pending.keys()]) {
        this.#context.events.emit('dead-letter', {
          actor: this.name,
          reason: this.#stopped.message,
        });
        this.#settle(
          id,
          new ActorStoppedError(`actor "${this.name}" has stopped: ${this.#stopped.message}`),
        );
      }
      return;
    }
    let resolveNext: (incarnation: Incarnation) => void = () => {};
    this.#ready = new Promise((resolve) => {
      resolveNext = resolve;
    });
    this.#restartTimer = setTimeout(() => {
      if (this.#stopped) return;
      const next = this.#start();
      this.#current = next;
      void next.ready.then(() => {
        this.#context.events.emit('actor:restarted', {
          actor: this.name,
          replica: 0,
          attempt: this.#restarts.attempts,
          delayMs,
        });
        resolveNext(next);
      });
    }, delayMs);
  }
}
