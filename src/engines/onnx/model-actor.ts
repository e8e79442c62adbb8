import type { CallOptions } from '../../actor/call-options.js';
import { Mailbox, type MailboxOptions } from '../../actor/mailbox.js';
import type { IoMetadata, RunStats } from '../../actor/protocol.js';
import { RestartBudget, type RestartOptions } from '../../actor/restart-budget.js';
import {
  AbortError,
  ActorStoppedError,
  type RoundtableError,
  serializeError,
  TimeoutError,
} from '../../errors.js';
import type { ActorContext } from '../../runtime/context.js';
import type { HostTensor, TensorDescriptor } from '../../tensor/index.js';
import { validateFeeds } from './feed-validation.js';
import type { SessionOptions } from './model-worker-data.js';
import { Replica, type ReplicaReply } from './replica.js';

export interface ModelActorOptions {
  /** Path of an `.onnx` file, or the model's bytes. */
  readonly model: string | Uint8Array;
  /** Worker threads behind the one mailbox, each with its own session. Default 1. */
  readonly replicas?: number;
  readonly mailbox?: MailboxOptions;
  /** ONNX Runtime session options. Default: one intra-op and one inter-op thread per replica. */
  readonly sessionOptions?: SessionOptions;
  readonly restart?: RestartOptions;
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
}

interface Envelope {
  readonly id: number;
  readonly feeds: Record<string, TensorDescriptor>;
  readonly resolve: (result: ModelResult) => void;
  readonly reject: (error: RoundtableError) => void;
  done: boolean;
  running: boolean;
  timer: ReturnType<typeof setTimeout> | undefined;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

/**
 * An ONNX model as an actor: a bounded mailbox in front of one or more replicas (worker threads,
 * one ONNX Runtime session each). Every message the mailbox accepts is answered exactly once:
 * with the outputs, or with a typed error (bad feed, timeout, abort, crash, stop).
 */
export class ModelActor {
  readonly name: string;
  readonly inputs: readonly IoMetadata[];
  readonly outputs: readonly IoMetadata[];
  readonly #context: ActorContext;
  readonly #options: ModelActorOptions;
  readonly #mailbox: Mailbox<Envelope>;
  readonly #replicas: Replica[];
  readonly #idle: Replica[];
  readonly #restarts: RestartBudget;
  #nextId = 1;
  #stopped: RoundtableError | undefined;
  #stats = { runs: 0, failures: 0, copiedIn: 0, copiedOut: 0, restarts: 0 };

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
    this.#replicas = replicas;
    this.#idle = [...replicas];
    this.#restarts = new RestartBudget(options.restart);
    this.#mailbox = new Mailbox<Envelope>(name, options.mailbox, () =>
      context.events.emit('mailbox:full', {
        actor: name,
        capacity: this.#mailbox.capacity,
        waiting: this.#mailbox.size,
      }),
    );
    for (const replica of replicas) this.#watch(replica);
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
    for (const replica of replicas)
      context.events.emit('actor:started', { actor: name, replica: replica.index });
    return new ModelActor(name, context, options, replicas);
  }

  static #startReplica(
    name: string,
    context: ActorContext,
    options: ModelActorOptions,
    index: number,
  ): Promise<Replica> {
    return Replica.start(
      index,
      {
        actor: name,
        model: options.model,
        sessionOptions: options.sessionOptions ?? {},
        arena: context.arena.handle(),
      },
      context.slabs,
    );
  }

  /**
   * Runs the model on tensors already in the arena. The caller keeps owning the feeds and owns the
   * returned outputs: release them with `arena.release` when done.
   */
  runShared(
    feeds: Record<string, TensorDescriptor>,
    options: CallOptions = {},
  ): Promise<ModelResult> {
    if (this.#stopped) {
      this.#context.events.emit('dead-letter', { actor: this.name, reason: this.#stopped.message });
      return Promise.reject(
        new ActorStoppedError(`actor "${this.name}" has stopped: ${this.#stopped.message}`),
      );
    }
    try {
      validateFeeds(this.name, this.inputs, feeds);
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise<ModelResult>((resolve, reject) => {
      const envelope: Envelope = {
        id: this.#nextId++,
        feeds,
        resolve,
        reject,
        done: false,
        running: false,
        timer: undefined,
        signal: options.signal,
        onAbort: undefined,
      };
      this.#arm(envelope, options);
      if (envelope.done) return;
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

  /**
   * Runs the model on host tensors and returns host tensors: the arena is used underneath and
   * everything is released before this returns.
   */
  async run(
    feeds: Record<string, HostTensor>,
    options: CallOptions = {},
  ): Promise<Record<string, HostTensor>> {
    const arena = this.#context.arena;
    validateFeeds(this.name, this.inputs, feeds);
    const shared: Record<string, TensorDescriptor> = {};
    try {
      for (const name in feeds) {
        const feed = feeds[name]!;
        shared[name] = arena.writeTensor(feed.dtype, feed.dims, feed.data as never);
      }
      const result = await this.runShared(shared, options);
      const outputs: Record<string, HostTensor> = {};
      try {
        for (const name in result.outputs) outputs[name] = arena.readTensor(result.outputs[name]!);
      } finally {
        for (const name in result.outputs) arena.release(result.outputs[name]!);
      }
      return outputs;
    } finally {
      for (const name in shared) arena.release(shared[name]!);
    }
  }

  stats(): ModelActorStats {
    return {
      ...this.#stats,
      queued: this.#mailbox.size,
      inFlight: this.#replicas.filter((replica) => replica.busy).length,
    };
  }

  /** Replicas currently running (tests and fault injection reach them through this). */
  get replicas(): readonly Replica[] {
    return this.#replicas;
  }

  /**
   * Stops the actor: queued messages are answered with ActorStoppedError at once, messages in
   * flight get `graceMs` to finish, then the workers are terminated.
   */
  async close(graceMs = 5_000): Promise<void> {
    if (!this.#stopped) this.#stop(new ActorStoppedError(`actor "${this.name}" was closed`));
    const deadline = Date.now() + graceMs;
    while (this.#replicas.some((replica) => replica.busy) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await Promise.all(this.#replicas.map((replica) => replica.close()));
  }

  #arm(envelope: Envelope, options: CallOptions): void {
    const { timeout, signal } = options;
    if (timeout !== undefined) {
      if (!(timeout > 0)) {
        this.#fail(
          envelope,
          new RangeError(`actor "${this.name}": timeout must be > 0 ms, got ${timeout}`) as never,
        );
        return;
      }
      envelope.timer = setTimeout(() => {
        this.#mailbox.remove(envelope);
        this.#fail(
          envelope,
          new TimeoutError(
            `actor "${this.name}": message ${envelope.id} timed out after ${timeout} ms (${envelope.running ? 'running' : 'queued'})`,
          ),
        );
      }, timeout);
    }
    if (signal) {
      if (signal.aborted) {
        this.#fail(
          envelope,
          new AbortError(
            `actor "${this.name}": message ${envelope.id} was aborted before it was sent`,
          ),
        );
        return;
      }
      envelope.onAbort = () => {
        this.#mailbox.remove(envelope);
        this.#fail(
          envelope,
          new AbortError(
            `actor "${this.name}": message ${envelope.id} was aborted (${envelope.running ? 'running; its outputs will be freed' : 'queued'})`,
          ),
        );
      };
      signal.addEventListener('abort', envelope.onAbort, { once: true });
    }
  }

  #dispatch(): void {
    while (this.#idle.length > 0 && this.#mailbox.size > 0) {
      const envelope = this.#mailbox.take()!;
      if (envelope.done) continue;
      const replica = this.#idle.pop()!;
      envelope.running = true;
      replica
        .run(envelope.id, envelope.feeds)
        .then(
          (reply) => this.#succeed(envelope, reply, replica.index),
          (error: RoundtableError) => this.#fail(envelope, error),
        )
        .finally(() => {
          if (replica.alive) {
            this.#idle.push(replica);
            this.#dispatch();
          }
        });
    }
  }

  #succeed(envelope: Envelope, reply: ReplicaReply, replica: number): void {
    this.#stats.runs++;
    this.#stats.copiedIn += reply.stats.copiedIn;
    this.#stats.copiedOut += reply.stats.copiedOut;
    if (envelope.done) {
      // Answered already (timeout or abort): nobody will release these outputs but us.
      for (const name in reply.outputs) this.#context.arena.release(reply.outputs[name]!);
      return;
    }
    this.#settle(envelope);
    envelope.resolve({ outputs: reply.outputs, stats: reply.stats, replica });
  }

  #fail(envelope: Envelope, error: RoundtableError): void {
    if (envelope.done) return;
    this.#stats.failures++;
    this.#settle(envelope);
    envelope.reject(error);
  }

  #settle(envelope: Envelope): void {
    envelope.done = true;
    if (envelope.timer) clearTimeout(envelope.timer);
    if (envelope.onAbort) envelope.signal?.removeEventListener('abort', envelope.onAbort);
  }

  #watch(replica: Replica): void {
    replica.onExit((exitCode, expected) => {
      this.#context.events.emit('actor:exited', {
        actor: this.name,
        replica: replica.index,
        exitCode,
        expected,
      });
      const idle = this.#idle.indexOf(replica);
      if (idle >= 0) this.#idle.splice(idle, 1);
      if (expected || this.#stopped) return;
      void this.#restart(replica.index);
    });
  }

  async #restart(index: number): Promise<void> {
    const delayMs = this.#restarts.next();
    if (delayMs === undefined) {
      this.#stop(
        new ActorStoppedError(`actor "${this.name}" stopped: ${this.#restarts.describe()}`),
      );
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    if (this.#stopped) return;
    try {
      const replica = await ModelActor.#startReplica(
        this.name,
        this.#context,
        this.#options,
        index,
      );
      if (this.#stopped) {
        await replica.close();
        return;
      }
      this.#stats.restarts++;
      this.#replicas[this.#replicas.findIndex((r) => r.index === index)] = replica;
      this.#watch(replica);
      this.#idle.push(replica);
      this.#context.events.emit('actor:restarted', {
        actor: this.name,
        replica: index,
        attempt: this.#restarts.attempts,
        delayMs,
      });
      this.#dispatch();
    } catch (error) {
      this.#stop(error as RoundtableError);
    }
  }

  #stop(reason: RoundtableError): void {
    if (this.#stopped) return;
    this.#stopped = reason;
    const error = new ActorStoppedError(`actor "${this.name}" has stopped: ${reason.message}`);
    for (const envelope of this.#mailbox.drain(error)) this.#fail(envelope, error);
    this.#context.events.emit('actor:stopped', {
      actor: this.name,
      reason: serializeError(reason),
    });
  }
}
