import type { ResourceLimits } from 'node:worker_threads';
import * as args from '../../actor/arguments.js';
import type { CallOptions } from '../../actor/call-options.js';
import type { ActorContext } from '../../actor/context.js';
import { validateFeeds } from '../../actor/feed-validation.js';
import type { MailboxOptions } from '../../actor/mailbox.js';
import type { IoMetadata, RunStats } from '../../actor/protocol.js';
import type { RestartOptions } from '../../actor/restart-budget.js';
import { ownPolicy } from '../../actor/supervision/own-policy.js';
import type {
  ActorHealth,
  ActorState,
  DeathHandler,
  Supervisable,
} from '../../actor/supervision/supervisable.js';
import {
  ActorCrashedError,
  ActorStoppedError,
  FeedError,
  type RoundtableError,
  serializeError,
} from '../../errors.js';
import type { HostTensor, TensorDescriptor } from '../../tensor/index.js';
import { registerTestHooks } from '../test-hooks.js';
import { type BatchingOptions, batchPolicy } from './batching.js';
import { Dispatcher } from './dispatcher.js';
import { faultInjectionOf } from './fault-injection.js';
import type { SessionOptions } from './model-worker-data.js';
import { Replica, type ReplicaExit, type ReplicaReply } from './replica.js';

export interface ModelActorOptions {
  /** Path of an `.onnx` file, or the model's bytes. */
  readonly model: string | Uint8Array;
  /** Worker threads behind the one mailbox, each with its own session. Default 1. */
  readonly replicas?: number;
  readonly mailbox?: MailboxOptions;
  /** ONNX Runtime session options. Default: one intra-op and one inter-op thread per replica. */
  readonly sessionOptions?: SessionOptions;
  /** The actor's own restart budget, used while no supervisor manages it. */
  readonly restart?: RestartOptions;
  /**
   * Limits of each replica's JavaScript heap. Running out of them ends the worker: its message in
   * flight is answered with ActorCrashedError and the replica is restarted. ONNX Runtime's own
   * memory (weights, activations) is native and not counted.
   */
  readonly resourceLimits?: ResourceLimits;
  /**
   * Dynamic batching, as Triton does it: concurrent requests of one shape are stacked along
   * dimension 0 (up to `maxBatch`, the oldest waiting at most `maxDelayMs` for more), run once,
   * and each gets its own rows back. Only for models whose every input has a free first
   * dimension; otherwise spawn rejects with BatchingError. A batch that fails (not a crash) has
   * its requests run again one by one, so only a bad request fails. Default off.
   */
  readonly batching?: BatchingOptions;
  /**
   * How a run reaches a replica's worker: 'doorbell', an Atomics doorbell over a small shared
   * buffer (the worker sleeps in Atomics.wait between runs; see src/engines/onnx/doorbell/doorbell.ts), or
   * 'message', a postMessage round trip. Batches and control messages always take the port.
   * Default 'doorbell', which measured faster (docs/architecture.md).
   */
  readonly hotPath?: 'doorbell' | 'message';
}

/** What one run returns when the caller manages arena lifetimes: it must release the outputs. */
export interface ModelResult {
  readonly outputs: Record<string, TensorDescriptor>;
  readonly stats: RunStats;
  readonly replica: number;
}

/** Bytes a model actor copied at the ONNX Runtime boundary since it started. */
export interface ModelActorStats {
  readonly runs: number;
  readonly failures: number;
  readonly copiedIn: number;
  readonly copiedOut: number;
  readonly queued: number;
  readonly inFlight: number;
  readonly restarts: number;
  /** Results that came after their message was answered (timeout, abort) and were freed. */
  readonly late: number;
  /** Messages run again because their replica was replaced under them. */
  readonly requeued: number;
  /** Messages answered with a result twice (zero by construction; see dispatcher.ts). */
  readonly duplicates: number;
  /** Arena bytes that dead replicas had written but not handed over, given back. */
  readonly reclaimedBytes: number;
}

type Feeds = Record<string, TensorDescriptor>;

/** One replica's place: its live worker, or the restart under way. */
interface Slot {
  readonly index: number;
  replica: Replica | undefined;
  /** Set from the moment a restart is decided until the new replica runs (or the actor stops). */
  restarting: boolean;
}

/**
 * An ONNX model as an actor: a bounded mailbox in front of one or more replicas (worker threads,
 * one ONNX Runtime session each). Every message the mailbox accepts is answered exactly once:
 * with the outputs, or with a typed error (bad feed, timeout, abort, crash, stop); see
 * dispatcher.ts. A replica that dies is restarted by the actor's own one-for-one policy, or by
 * the supervisor the actor was put under.
 */
export class ModelActor implements Supervisable {
  readonly name: string;
  readonly inputs: readonly IoMetadata[];
  readonly outputs: readonly IoMetadata[];
  readonly #context: ActorContext;
  readonly #options: ModelActorOptions;
  readonly #dispatcher: Dispatcher<Feeds, ReplicaReply>;
  readonly #slots: Slot[];
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();
  /** Replicas being started by a restart: close() waits for them. */
  readonly #starting = new Set<Promise<unknown>>();
  #onDeath: DeathHandler;
  #stopped: RoundtableError | undefined;
  #closing: Promise<void> | undefined;
  #stats = { copiedIn: 0, copiedOut: 0, restarts: 0, reclaimedBytes: 0 };

  private constructor(
    name: string,
    context: ActorContext,
    options: ModelActorOptions,
    replicas: Replica[],
  ) {
    this.name = name;
    this.#context = context;
    this.#options = options;
    const first = replicas[0]!;
    this.inputs = first.inputs;
    this.outputs = first.outputs;
    const batching = options.batching
      ? batchPolicy(name, first.inputs, options.batching)
      : undefined;
    this.#dispatcher = new Dispatcher<Feeds, ReplicaReply>(
      name,
      options.mailbox,
      {
        onFull: (capacity, waiting) =>
          context.events.emit('mailbox:full', { actor: name, capacity, waiting }),
        onDeadLetter: (reason) => context.events.emit('dead-letter', { actor: name, reason }),
        // Answered already (timeout or abort): nobody will release these outputs but us.
        discard: (late) => {
          for (const output in late.outputs) context.arena.release(late.outputs[output]!);
        },
        // Two literal shapes, not a spread of a conditional object: this runs on every answer.
        onSettled: (runMs, error) =>
          context.events.emit(
            'actor:message',
            error
              ? { actor: name, ms: runMs, code: error.code ?? 'ERR_UNKNOWN' }
              : { actor: name, ms: runMs },
          ),
      },
      batching,
    );
    this.#slots = replicas.map((replica) => ({
      index: replica.index,
      replica,
      restarting: false,
    }));
    this.#onDeath = ownPolicy(this, options.restart);
    for (const replica of replicas) this.#adopt(replica);
    registerTestHooks(this, { replicas: () => this.#live() });
  }

  /** Starts the replicas; rejects with ModelLoadError (carrying ONNX Runtime's reason) if the model does not load. */
  static async spawn(
    name: string,
    context: ActorContext,
    options: ModelActorOptions,
  ): Promise<ModelActor> {
    const count = options.replicas ?? 1;
    if (!Number.isInteger(count) || count < 1) {
      throw new RangeError(`actor "${name}": replicas must be a positive integer, got ${count}`);
    }
    const started = await Promise.allSettled(
      Array.from({ length: count }, (_, index) =>
        ModelActor.#startReplica(name, context, options, index),
      ),
    );
    const replicas = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const failure = started.find((s) => s.status === 'rejected');
    if (failure) {
      await Promise.all(replicas.map((replica) => replica.close()));
      throw failure.reason;
    }
    let actor: ModelActor;
    try {
      actor = new ModelActor(name, context, options, replicas);
    } catch (error) {
      // Batching asked of a model that cannot batch: refused before anyone sees the actor.
      await Promise.all(replicas.map((replica) => replica.close()));
      throw error;
    }
    for (const replica of replicas)
      context.events.emit('actor:started', { actor: name, replica: replica.index });
    return actor;
  }

  static #startReplica(
    name: string,
    context: ActorContext,
    options: ModelActorOptions,
    index: number,
  ): Promise<Replica> {
    return Replica.start(index, {
      actor: name,
      model: options.model,
      sessionOptions: options.sessionOptions ?? {},
      arena: context.arena,
      slabs: context.slabs,
      resourceLimits: options.resourceLimits,
      faultInjection: faultInjectionOf(options),
      doorbell: (options.hotPath ?? 'doorbell') === 'doorbell',
      nice: context.workerNice ?? 0,
      pollForAnswers: context.pollForAnswers ?? false,
      awake: context.awakeWorkers,
      pipeline: options.batching === undefined,
    });
  }

  /** Where a wrong argument of runShared() or run() was given, as its error names it (built once). */
  #runSharedWhere: string | undefined;
  #runWhere: string | undefined;

  /**
   * Runs the model on tensors already in the arena. The caller keeps owning the feeds and owns the
   * returned outputs: release them with `arena.release` when done.
   */
  runShared(feeds: Feeds, options?: CallOptions): Promise<ModelResult> {
    const refused = this.#context.admission?.refusal(this.name, 'runShared()');
    if (refused) return Promise.reject(refused);
    try {
      this.#runSharedWhere ??= `actor "${this.name}": runShared()`;
      feeds = args.record(this.#runSharedWhere, 'feeds', feeds) as Feeds;
      options = args.callOptions(this.#runSharedWhere, options);
    } catch (error) {
      return Promise.reject(error);
    }
    let checked: Feeds = feeds;
    if (!this.#dispatcher.stopped) {
      try {
        // A stale or forged descriptor is refused here, before it costs a worker a message; the
        // worker checks again before it reads (the caller may release in between). What is
        // validated and sent is the checked copy, not the caller's objects.
        checked = {};
        for (const name in feeds) checked[name] = this.#context.arena.check(feeds[name]!);
        validateFeeds(this.name, this.inputs, checked);
      } catch (error) {
        return Promise.reject(error);
      }
    }
    return this.#dispatcher.submit(checked, options).then((reply) => this.#counted(reply));
  }

  #counted(reply: ReplicaReply): ModelResult {
    this.#stats.copiedIn += reply.stats.copiedIn;
    this.#stats.copiedOut += reply.stats.copiedOut;
    return { outputs: reply.outputs, stats: reply.stats, replica: reply.replica };
  }

  /**
   * Runs the model on host tensors and returns host tensors: the arena is used underneath and
   * everything is released before this returns.
   */
  async run(
    feeds: Record<string, HostTensor>,
    options?: CallOptions,
  ): Promise<Record<string, HostTensor>> {
    const arena = this.#context.arena;
    const refused = this.#context.admission?.refusal(this.name, 'run()');
    if (refused) throw refused;
    this.#runWhere ??= `actor "${this.name}": run()`;
    feeds = args.hostFeeds(this.#runWhere, feeds);
    options = args.callOptions(this.#runWhere, options);
    if (!this.#dispatcher.stopped) validateFeeds(this.name, this.inputs, feeds);
    const shared: Feeds = {};
    try {
      // The feeds enter the arena only when a replica takes the message: a sender that waits in
      // the mailbox, or is parked by the 'wait' policy, holds host tensors, not arena memory.
      const result = this.#counted(
        await this.#dispatcher.submitPrepared(() => {
          for (const name in feeds) {
            const feed = feeds[name]!;
            try {
              shared[name] = arena.writeTensor(feed.dtype, feed.dims, feed.data as never);
            } catch (error) {
              if (!(error instanceof FeedError)) throw error;
              throw new FeedError(`actor "${this.name}": input "${name}": ${error.message}`);
            }
          }
          return shared;
        }, options),
      );
      // Each output read and released on one check of its descriptor; every one is released
      // even if another cannot be read.
      const outputs: Record<string, HostTensor> = {};
      let unreadable: unknown;
      for (const name in result.outputs) {
        try {
          outputs[name] = arena.readAndRelease(result.outputs[name]!);
        } catch (error) {
          unreadable ??= error;
        }
      }
      if (unreadable !== undefined) throw unreadable;
      return outputs;
    } finally {
      for (const name in shared) arena.release(shared[name]!);
    }
  }

  stats(): ModelActorStats {
    const d = this.#dispatcher.stats();
    return {
      runs: d.succeeded,
      failures: d.failed,
      copiedIn: this.#stats.copiedIn,
      copiedOut: this.#stats.copiedOut,
      queued: d.queued,
      inFlight: d.inFlight,
      restarts: this.#stats.restarts,
      late: d.late,
      requeued: d.requeued,
      duplicates: d.duplicates,
      reclaimedBytes: this.#stats.reclaimedBytes,
    };
  }

  /** Replicas currently running (tests and the soak reach them through test-hooks.ts). */
  #live(): readonly Replica[] {
    return this.#slots.flatMap((slot) => (slot.replica?.alive ? [slot.replica] : []));
  }

  get state(): ActorState {
    if (this.#stopped) return 'stopped';
    return this.#slots.every((slot) => slot.replica?.alive) ? 'running' : 'restarting';
  }

  health(): ActorHealth {
    const d = this.#dispatcher.stats();
    return {
      name: this.name,
      kind: 'model',
      state: this.state,
      replicas: this.#slots.length,
      alive: this.#live().length,
      queued: d.queued,
      inFlight: d.inFlight,
    };
  }

  /** Resolves once no replica is working on a message (answered or abandoned). */
  idle(): Promise<void> {
    return this.#dispatcher.idle();
  }

  superviseBy(handler: DeathHandler): void {
    this.#onDeath = handler;
  }

  restart(which: number | 'all', delayMs: number): void {
    if (this.#stopped) return;
    const slots =
      which === 'all' ? this.#slots : this.#slots.filter((slot) => slot.index === which);
    for (const slot of slots) {
      if (slot.restarting) continue;
      slot.restarting = true;
      const old = slot.replica;
      if (old?.alive) {
        // Healthy, but replaced by the strategy: its message in flight runs again elsewhere.
        this.#dispatcher.retire(old);
        void old.close();
      }
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        const replacing = this.#replace(slot, old, delayMs);
        this.#starting.add(replacing);
        void replacing.finally(() => this.#starting.delete(replacing));
      }, delayMs);
      this.#timers.add(timer);
    }
  }

  async stop(reason: RoundtableError): Promise<void> {
    await this.#shutdown(reason, 0);
  }

  /**
   * Stops the actor: queued messages are answered with ActorStoppedError at once, messages in
   * flight get `graceMs` to finish, then the workers are terminated and what is still in flight
   * is answered with ActorStoppedError.
   */
  close(graceMs = 5_000): Promise<void> {
    return this.#shutdown(new ActorStoppedError(`actor "${this.name}" was closed`), graceMs);
  }

  #shutdown(reason: RoundtableError, graceMs: number): Promise<void> {
    this.#closing ??= (async () => {
      this.#stopped = reason;
      for (const timer of this.#timers) clearTimeout(timer);
      this.#timers.clear();
      this.#dispatcher.stop(reason);
      this.#context.events.emit('actor:stopped', {
        actor: this.name,
        reason: serializeError(reason),
      });
      if (graceMs > 0) {
        let timer: ReturnType<typeof setTimeout> | undefined;
        await Promise.race([
          this.#dispatcher.idle(),
          new Promise((resolve) => {
            timer = setTimeout(resolve, graceMs);
          }),
        ]);
        clearTimeout(timer);
      }
      this.#dispatcher.abandonInFlight(
        (id) =>
          new ActorStoppedError(
            `actor "${this.name}" stopped while message ${id} was in flight (${reason.message}; it had ${graceMs} ms to finish)`,
            { cause: reason },
          ),
      );
      await Promise.all(
        this.#slots.map((slot) => {
          const replica = slot.replica;
          slot.replica = undefined;
          return replica?.close();
        }),
      );
      // A replica a restart was starting closes itself once it sees the actor stopped.
      await Promise.all(this.#starting);
    })();
    return this.#closing;
  }

  async #replace(slot: Slot, old: Replica | undefined, delayMs: number): Promise<void> {
    if (old) await old.exited;
    if (this.#stopped) return;
    let replica: Replica;
    try {
      replica = await ModelActor.#startReplica(this.name, this.#context, this.#options, slot.index);
    } catch (error) {
      slot.restarting = false;
      if (this.#stopped) return;
      this.#onDeath({
        actor: this.name,
        replica: slot.index,
        exitCode: -1,
        error: error as RoundtableError,
      });
      return;
    }
    slot.restarting = false;
    if (this.#stopped) {
      await replica.close();
      return;
    }
    slot.replica = replica;
    this.#stats.restarts++;
    this.#adopt(replica);
    this.#context.events.emit('actor:restarted', {
      actor: this.name,
      replica: slot.index,
      attempt: this.#stats.restarts,
      delayMs,
    });
  }

  #adopt(replica: Replica): void {
    replica.onExit((exit) => this.#exited(replica, exit));
    this.#dispatcher.add(replica);
  }

  #exited(replica: Replica, exit: ReplicaExit): void {
    this.#dispatcher.remove(replica);
    this.#stats.reclaimedBytes += exit.reclaimed.bytes;
    if (exit.reclaimed.blocks > 0) {
      this.#context.events.emit('arena:reclaimed', {
        actor: this.name,
        replica: replica.index,
        blocks: exit.reclaimed.blocks,
        bytes: exit.reclaimed.bytes,
      });
    }
    this.#context.events.emit('actor:exited', {
      actor: this.name,
      replica: replica.index,
      exitCode: exit.exitCode,
      expected: exit.expected,
    });
    if (exit.expected || this.#stopped) return;
    const why = exit.error ? `: ${exit.error.message}` : '';
    this.#onDeath({
      actor: this.name,
      replica: replica.index,
      exitCode: exit.exitCode,
      error: new ActorCrashedError(
        `actor "${this.name}": replica ${replica.index} died (exit code ${exit.exitCode}${why})`,
        { cause: exit.error },
      ),
    });
  }
}
