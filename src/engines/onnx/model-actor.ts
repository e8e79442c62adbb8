import type { ResourceLimits } from 'node:worker_threads';
import * as args from '../../actor/arguments.js';
import type { CallOptions } from '../../actor/call-options.js';
import type { ActorContext } from '../../actor/context.js';
import { WorkerActorCore } from '../../actor/core/worker-actor-core.js';
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
  type WarmUpOptions,
  type WarmUpReport,
  warmUp,
  warmUpBudget,
} from '../../actor/warm-up.js';
import {
  ActorCrashedError,
  ActorStoppedError,
  type RoundtableError,
  serializeError,
} from '../../errors.js';
import type { HostTensor, TensorDescriptor } from '../../tensor/index.js';
import { registerTestHooks } from '../test-hooks.js';
import { type BatchingOptions, batchPolicy } from './batching.js';
import { type BatchPolicy, Dispatcher } from './dispatcher.js';
import { faultInjectionOf } from './fault-injection.js';
import { readOutputs, releaseFeeds, writeFeeds } from './host-ask.js';
import { checkModelOptions } from './model-options.js';
import type { SessionOptions } from './model-worker-data.js';
import { Replica, type ReplicaReply } from './replica.js';

export interface ModelActorOptions {
  /** Path of an `.onnx` file, or the model's bytes. */
  readonly model: string | Uint8Array;
  /** Worker threads behind the one mailbox, each with its own session. Default 1, at most 1024. */
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

/** The core that carries one replica slot of a model actor (its workers, one at a time). */
type ReplicaCore = WorkerActorCore<Replica>;

/**
 * An ONNX model as an actor: a bounded mailbox in front of one or more replicas (worker threads,
 * one ONNX Runtime session each). Every message the mailbox accepts is answered exactly once:
 * with the outputs, or with a typed error (bad feed, timeout, abort, crash, stop); see
 * dispatcher.ts. A replica that dies is restarted by the actor's own one-for-one policy, or by
 * the supervisor the actor was put under.
 *
 * Each replica slot stands on the worker-actor core (src/actor/core/worker-actor-core.ts, its
 * `replica` mode): spawn, death, restart within the actor's one restart budget, reclaiming what a
 * dead worker held, health, close. What is a model actor's own stays here and in the dispatcher:
 * the bounded mailbox, handing a message to whichever replica is free, dynamic batching, the
 * doorbell, the exactly-once answer of each message, fault injection.
 */
export class ModelActor implements Supervisable {
  readonly name: string;
  readonly inputs: readonly IoMetadata[];
  readonly outputs: readonly IoMetadata[];
  readonly #context: ActorContext;
  readonly #dispatcher: Dispatcher<Feeds, ReplicaReply>;
  /** One core per replica slot, its index the replica's. */
  readonly #cores: readonly ReplicaCore[];
  #onDeath: DeathHandler;
  #stopped: RoundtableError | undefined;
  #closing: Promise<void> | undefined;
  #stats = { copiedIn: 0, copiedOut: 0 };

  private constructor(
    name: string,
    context: ActorContext,
    options: ModelActorOptions,
    cores: readonly ReplicaCore[],
    batching: BatchPolicy<Feeds> | undefined,
  ) {
    this.name = name;
    this.#context = context;
    const first = cores[0]!.current!;
    this.inputs = first.inputs;
    this.outputs = first.outputs;
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
    this.#cores = cores;
    this.#onDeath = ownPolicy(this, options.restart);
    for (const core of cores) {
      // The replica is gone: no message goes to it; those on it were answered by its rejections.
      core.onExit((_code, _expected, replica) => this.#dispatcher.remove(replica));
      if (core.current) this.#dispatcher.add(core.current);
    }
    registerTestHooks(this, { replicas: () => this.#live() });
  }

  /** Starts the replicas; rejects with ModelLoadError (carrying ONNX Runtime's reason) if the model does not load. */
  static async spawn(
    name: string,
    context: ActorContext,
    options: ModelActorOptions,
  ): Promise<ModelActor> {
    // Checked here too, not only by the runtime's spawnModel: spawn may be called directly.
    const where = `ModelActor.spawn("${String(name)}")`;
    args.name(where, 'name', name);
    options = checkModelOptions(where, options);
    const count = options.replicas ?? 1;
    const started = await Promise.allSettled(
      Array.from({ length: count }, (_, index) =>
        ModelActor.#startReplica(name, context, options, index),
      ),
    );
    const replicas = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const failure = started.find((s) => s.status === 'rejected');
    let batching: BatchPolicy<Feeds> | undefined;
    try {
      if (failure) throw failure.reason;
      // One that died while the others loaded would be adopted dead, never to be restarted.
      const dead = replicas.find((replica) => !replica.alive);
      if (dead) {
        throw new ActorCrashedError(
          `actor "${name}": replica ${dead.index} died while the other replicas were starting`,
          { cause: dead.life.error },
        );
      }
      // Batching asked of a model that cannot batch: refused before anyone sees the actor.
      if (options.batching) batching = batchPolicy(name, replicas[0]!.inputs, options.batching);
    } catch (error) {
      await Promise.all(replicas.map((replica) => replica.end()));
      throw error;
    }
    let actor: ModelActor | undefined;
    // Each core starts on the replica already up (its first launch), and on a fresh one per restart.
    const cores = await Promise.all(
      replicas.map((replica) => {
        let first: Replica | undefined = replica;
        return WorkerActorCore.start<Replica>({
          name,
          kind: 'model',
          context,
          replica: replica.index,
          settlesAtExit: true,
          launch: () => {
            const up = first;
            first = undefined;
            return up
              ? Promise.resolve(up)
              : ModelActor.#startReplica(name, context, options, replica.index);
          },
          adopt: (restarted) => {
            if (actor) actor.#dispatcher.add(restarted);
          },
          // Messages wait in the dispatcher's mailbox, not in the core.
          waiting: undefined,
          where: (call) => `actor "${name}": ${call.method}() (replica ${replica.index})`,
          // One restart budget (or supervisor) for every replica; a death during close() is not
          // restarted.
          policy: () => (death) => {
            if (actor && !actor.#stopped) actor.#onDeath(death);
          },
        });
      }),
    );
    actor = new ModelActor(name, context, options, cores, batching);
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
    // The replica's reply is made for this message alone: handed on as it is, not copied.
    return reply;
  }

  /**
   * Runs the model on host tensors and returns host tensors: the arena is used underneath and
   * everything is released before this returns.
   */
  run(
    feeds: Record<string, HostTensor>,
    options?: CallOptions,
  ): Promise<Record<string, HostTensor>> {
    const refused = this.#context.admission?.refusal(this.name, 'run()');
    if (refused) return Promise.reject(refused);
    try {
      this.#runWhere ??= `actor "${this.name}": run()`;
      feeds = args.hostFeeds(this.#runWhere, feeds);
      options = args.callOptions(this.#runWhere, options);
      if (!this.#dispatcher.stopped) validateFeeds(this.name, this.inputs, feeds);
    } catch (error) {
      return Promise.reject(error);
    }
    const arena = this.#context.arena;
    const shared: Feeds = {};
    // Inline callbacks, not named ones: each ask makes them afresh, and under tsx (the bench runs
    // the sources) a named closure also costs a property definition each time it is made.
    return this.#dispatcher
      .submitPrepared(() => writeFeeds(this.name, arena, feeds, shared), options)
      .then(
        (reply) => {
          try {
            return readOutputs(arena, this.#counted(reply).outputs);
          } finally {
            releaseFeeds(arena, shared);
          }
        },
        (error: unknown) => {
          releaseFeeds(arena, shared);
          throw error;
        },
      );
  }

  /**
   * Asks the model with `feeds` until `options.asks` asks (default 4 000) or `options.ms`
   * milliseconds (default 1 000), whichever comes first: half of them one at a time, half several
   * in flight (no more than the mailbox holds). For a service to call before it takes traffic, so
   * that its first requests do not pay for V8 compiling roundtable's code (see warm-up.ts). The
   * asks are asks like any other: they count in stats(), the events and the metrics.
   * @throws the first failed ask's error (a FeedError names the input), once every ask has settled.
   */
  async warmUp(feeds: Record<string, HostTensor>, options?: WarmUpOptions): Promise<WarmUpReport> {
    const where = `actor "${this.name}": warmUp()`;
    feeds = args.hostFeeds(where, feeds);
    const { asks, ms } = warmUpBudget(where, options);
    return warmUp(() => this.run(feeds), this.#dispatcher.capacity, asks, ms);
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
      restarts: this.#cores.reduce((sum, core) => sum + core.restarts, 0),
      late: d.late,
      requeued: d.requeued,
      duplicates: d.duplicates,
      reclaimedBytes: this.#cores.reduce((sum, core) => sum + core.reclaimedBytes, 0),
    };
  }

  /** Replicas currently running (tests and the soak reach them through test-hooks.ts). */
  #live(): readonly Replica[] {
    return this.#cores.flatMap((core) => (core.current?.alive ? [core.current] : []));
  }

  get state(): ActorState {
    if (this.#stopped) return 'stopped';
    return this.#cores.every((core) => core.current?.alive) ? 'running' : 'restarting';
  }

  health(): ActorHealth {
    const d = this.#dispatcher.stats();
    return {
      name: this.name,
      kind: 'model',
      state: this.state,
      replicas: this.#cores.length,
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
    this.#cores.forEach((core, index) => {
      if (which !== 'all' && which !== index) return;
      const old = core.current;
      // Healthy, but replaced by the strategy: its message in flight runs again elsewhere. (No
      // live replica: a restart is under way already, and the core ignores this one.)
      if (old?.alive) this.#dispatcher.retire(old);
      core.restart(index, delayMs);
    });
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
      // No restart from now; the live replicas finish their messages within the grace period.
      for (const core of this.#cores) core.halt(reason);
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
      // Ends the live replicas, and one a restart was starting once it is up.
      await Promise.all(this.#cores.map((core) => core.stop(reason)));
    })();
    return this.#closing;
  }
}
