import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MessageChannel, type ResourceLimits, type Worker } from 'node:worker_threads';
import { type Remote, wrap } from 'comlink';
import type { CallOptions } from '../../actor/call-options.js';
import type { IoMetadata, RunStats } from '../../actor/protocol.js';
import type { SlabMember } from '../../actor/slab-exchange.js';
import {
  ActorCrashedError,
  ActorError,
  ActorStoppedError,
  type RoundtableError,
  reviveError,
  serializeError,
  TimeoutError,
} from '../../errors.js';
import type { ActorContext } from '../../runtime/context.js';
import type { TensorDescriptor } from '../../tensor/index.js';
import { spawnWorker } from '../../util/spawn-worker.js';
import { validateFeeds } from '../onnx/feed-validation.js';
import { type ActorPort, actorPort } from './actor-port.js';
import { callError } from './call-error.js';
import type {
  CustomWorkerData,
  ExposedActor,
  FromCustomWorker,
  SharedRunReply,
} from './custom-protocol.js';
import { PendingCalls } from './pending-calls.js';

export interface CustomActorOptions {
  /** The user's module: a `file:` URL, or a path (a relative one resolves against the cwd). */
  readonly module: URL | string;
  /** The export to build the actor from; default `createActor`, then `default`. */
  readonly export?: string;
  /** Default timeout of each call in milliseconds; none when undefined. A call may override it. */
  readonly timeout?: number;
  /** Milliseconds the module has to load and build the actor. Default 30 000. */
  readonly startTimeout?: number;
  /** Limits of the worker's heap; running out of them crashes the actor (ActorCrashedError). */
  readonly resourceLimits?: ResourceLimits;
  /** Structured-cloned into the worker and given to the factory as `context.options`. */
  readonly options?: unknown;
}

/** What an actor is typed as when the caller does not say: any method, any arguments. */
// biome-ignore lint/suspicious/noExplicitAny: an actor nobody typed takes any arguments.
export type UntypedActor = Record<string, (...args: any[]) => unknown>;

/** Names of the function-valued properties of `T`. */
export type MethodName<T> = {
  [K in keyof T]-?: T[K] extends (...args: never[]) => unknown ? K : never;
}[keyof T] &
  string;

/**
 * What the caller holds: every method of the actor, returning a promise of its result. Arguments
 * and results are structured-cloned across the thread boundary.
 */
export type CustomActorRef<T> = {
  readonly [K in MethodName<T>]: T[K] extends (...args: infer A) => infer R
    ? (...args: A) => Promise<Awaited<R>>
    : never;
};

/** The actor type a module builds: `ActorOf<typeof import('./scorer.js')>`. */
export type ActorOf<M> = M extends { createActor: (...args: never[]) => infer T }
  ? Awaited<T>
  : M extends { default: abstract new (...args: never[]) => infer T }
    ? T
    : M extends { default: (...args: never[]) => infer T }
      ? Awaited<T>
      : M extends { default: infer T }
        ? T
        : never;

/** What one plan step on a custom actor returns; the caller must release the outputs. */
export interface CustomResult {
  readonly outputs: Record<string, TensorDescriptor>;
  readonly stats: RunStats;
}

type Ready = Extract<FromCustomWorker, { type: 'ready' }>;

const DEFAULT_START_TIMEOUT = 30_000;

/**
 * A JavaScript module as an actor on its own worker thread, reached through comlink. On top of
 * comlink it gives every call a timeout and an AbortSignal, answers every call in flight with
 * ActorCrashedError when the worker dies, and turns errors into the runtime's typed errors.
 *
 * Calls are not queued: each is sent at once and the worker's event loop interleaves them (an
 * `async` method yields at each `await`).
 */
export class CustomActor<T extends object = UntypedActor> {
  readonly name: string;
  /** Inputs the module declared in its `signature` export; undefined when it declared none. */
  readonly inputs: readonly IoMetadata[] | undefined;
  readonly outputs: readonly IoMetadata[] | undefined;
  /** Names of the actor object's methods. */
  readonly methods: readonly string[];
  /** Every method of the actor, with the default call options. */
  readonly ref: CustomActorRef<T>;
  readonly #context: ActorContext;
  readonly #worker: Worker;
  readonly #port: ActorPort;
  readonly #member: SlabMember;
  readonly #remote: Remote<ExposedActor>;
  readonly #defaults: CallOptions;
  readonly #pending: PendingCalls;
  /** Why calls are refused now; undefined while the actor runs. */
  #stopped: RoundtableError | undefined;
  #closing: Promise<void> | undefined;
  #exitError: Error | undefined;
  #onExit: (exitCode: number, expected: boolean) => void = () => {};

  private constructor(
    name: string,
    context: ActorContext,
    worker: Worker,
    port: ActorPort,
    member: SlabMember,
    ready: Ready,
    options: CustomActorOptions,
  ) {
    this.name = name;
    this.#context = context;
    this.#worker = worker;
    this.#port = port;
    this.#member = member;
    this.inputs = ready.signature?.inputs;
    this.outputs = ready.signature?.outputs;
    this.methods = ready.methods;
    this.#defaults = options.timeout === undefined ? {} : { timeout: options.timeout };
    this.#pending = new PendingCalls(name);
    this.#remote = wrap<ExposedActor>(port);
    this.ref = this.with({});
    worker.on('error', (error) => {
      this.#exitError = error;
    });
    worker.on('exit', (code) => this.#exited(code));
  }

  /**
   * Starts the worker, loads the module and builds the actor.
   * @throws ActorError when the module cannot be loaded or its factory throws; TimeoutError when
   *   it takes longer than `startTimeout`; RangeError/TypeError for bad options.
   */
  static async spawn<T extends object = UntypedActor>(
    name: string,
    context: ActorContext,
    options: CustomActorOptions,
  ): Promise<CustomActor<T>> {
    const module = moduleHref(name, options.module);
    const startTimeout = options.startTimeout ?? DEFAULT_START_TIMEOUT;
    if (!(startTimeout > 0)) {
      throw new RangeError(`actor "${name}": startTimeout must be > 0 ms, got ${startTimeout}`);
    }
    if (options.timeout !== undefined && !(options.timeout > 0)) {
      throw new RangeError(`actor "${name}": timeout must be > 0 ms, got ${options.timeout}`);
    }
    const { port1, port2 } = new MessageChannel();
    const data: CustomWorkerData = {
      actor: name,
      module,
      exportName: options.export,
      options: options.options,
      arena: context.arena.handle(),
      port: port2,
    };
    let worker: Worker;
    try {
      worker = spawnWorker(new URL('./custom-worker.js', import.meta.url), {
        workerData: data,
        transferList: [port2],
        ...(options.resourceLimits ? { resourceLimits: options.resourceLimits } : {}),
      }, { loadTypeScript: /\.(ts|mts|cts)$/.test(new URL(module).pathname) });
    } catch (cause) {
      port1.close();
      throw new ActorError(`actor "${name}": could not start its worker: ${String(cause)}`, {
        cause,
      });
    }
    const port = actorPort(
      port1,
      (slab) => context.slabs.received(slab.slab, slab.buffer, member),
      'caller',
    );
    const member: SlabMember = { postMessage: (message) => port.announce(message) };
    // Joined before the worker is ready, so no slab made meanwhile goes unannounced to it.
    context.slabs.join(member);
    try {
      const ready = await started(name, worker, startTimeout);
      const actor = new CustomActor<T>(name, context, worker, port, member, ready, options);
      context.events.emit('actor:started', { actor: name, replica: 0 });
      return actor;
    } catch (error) {
      context.slabs.leave(member);
      worker.on('error', () => {}); // the startup error says it all; a late one must not throw here
      await worker.terminate();
      port1.close();
      throw error;
    }
  }

  /** Every method of the actor, with these call options instead of the defaults. */
  with(options: CallOptions): CustomActorRef<T> {
    const merged: CallOptions = { ...this.#defaults, ...options };
    return new Proxy(Object.create(null) as CustomActorRef<T>, {
      get: (_target, property) => {
        // Answering `then` would make the reference look like a promise to `await`.
        if (typeof property !== 'string') return undefined;
        if (property === 'then' && !this.methods.includes('then')) return undefined;
        return (...args: unknown[]) => this.#call(property, args, merged);
      },
    });
  }

  /** Calls `method` with `args`; `options` override the defaults of this call only. */
  call<K extends MethodName<T>>(
    method: K,
    args: T[K] extends (...args: infer A) => unknown ? A : never,
    options: CallOptions = {},
  ): Promise<T[K] extends (...args: never[]) => infer R ? Awaited<R> : never> {
    return this.#call(method, args, { ...this.#defaults, ...options }) as never;
  }

  /**
   * Runs the actor's `run(inputs)` on tensors already in the arena, as a plan step. The caller
   * keeps owning the feeds and owns the returned outputs: release them with `arena.release`.
   * Outputs of a call that timed out or was aborted are freed when they arrive.
   */
  runShared(
    feeds: Record<string, TensorDescriptor>,
    options: CallOptions = {},
  ): Promise<CustomResult> {
    const refused = this.#refuse('run');
    if (refused) return refused;
    if (!this.methods.includes('run')) {
      return Promise.reject(
        new TypeError(
          `actor "${this.name}" has no run(inputs) method, so it cannot run a plan step; ` +
            `its methods are ${this.#methodList()}`,
        ),
      );
    }
    try {
      if (this.inputs) validateFeeds(this.name, this.inputs, feeds);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#pending.track<SharedRunReply>(
      'run',
      { ...this.#defaults, ...options },
      () => this.#remote.runShared(feeds),
      (error) => callError(this.name, 'run', error),
      (late) => {
        for (const name in late.outputs) this.#context.arena.release(late.outputs[name]!);
      },
    );
  }

  /** Calls in flight. */
  get pending(): number {
    return this.#pending.size;
  }

  /** False once the worker has exited or close() began. */
  get alive(): boolean {
    return this.#stopped === undefined;
  }

  /** Called once when the worker exits; `expected` is true after {@link close}. */
  onExit(listener: (exitCode: number, expected: boolean) => void): void {
    this.#onExit = listener;
  }

  /**
   * Stops the actor: new calls are refused with ActorStoppedError at once, calls in flight get
   * `graceMs` to finish, then the worker is terminated and those still in flight are answered
   * with ActorStoppedError.
   */
  close(graceMs = 5_000): Promise<void> {
    this.#closing ??= this.#close(graceMs);
    return this.#closing;
  }

  /** Terminates the worker as a fault would (tests and fault injection). */
  async kill(): Promise<void> {
    await this.#worker.terminate();
  }

  async #close(graceMs: number): Promise<void> {
    if (this.#stopped) return;
    this.#stop(new ActorStoppedError(`actor "${this.name}" was closed`));
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      this.#pending.idle(),
      new Promise((resolve) => {
        timer = setTimeout(resolve, graceMs);
      }),
    ]);
    clearTimeout(timer);
    this.#pending.failAll(
      (call) =>
        new ActorStoppedError(
          `actor "${this.name}" was closed while ${call.method}() (call ${call.id}) was in flight ` +
            `(it had ${graceMs} ms to finish)`,
        ),
    );
    await this.#worker.terminate();
  }

  #call(method: string, args: unknown[], options: CallOptions): Promise<unknown> {
    const refused = this.#refuse(method);
    if (refused) return refused;
    if (!this.methods.includes(method)) {
      return Promise.reject(
        new TypeError(
          `actor "${this.name}" has no method "${method}"; its methods are ${this.#methodList()}`,
        ),
      );
    }
    const target = this.#remote.actor as unknown as Record<
      string,
      (...args: unknown[]) => Promise<unknown>
    >;
    return this.#pending.track(
      method,
      options,
      () => target[method]!(...args),
      (error) => callError(this.name, method, error),
    );
  }

  #refuse(method: string): Promise<never> | undefined {
    if (!this.#stopped) return undefined;
    this.#context.events.emit('dead-letter', { actor: this.name, reason: this.#stopped.message });
    return Promise.reject(
      new ActorStoppedError(
        `actor "${this.name}": ${method}() refused: the actor has stopped (${this.#stopped.message})`,
      ),
    );
  }

  #methodList(): string {
    return this.methods.length === 0 ? 'none' : this.methods.map((m) => `"${m}"`).join(', ');
  }

  #stop(reason: RoundtableError): void {
    if (this.#stopped) return;
    this.#stopped = reason;
    this.#context.events.emit('actor:stopped', {
      actor: this.name,
      reason: serializeError(reason),
    });
  }

  #exited(code: number): void {
    const expected = this.#closing !== undefined;
    this.#context.slabs.leave(this.#member);
    const cause = this.#exitError;
    const why = `exit code ${code}${cause ? `: ${errorText(cause)}` : ''}`;
    this.#stop(new ActorCrashedError(`actor "${this.name}" died (${why})`, { cause }));
    // Replies the worker posted before it died are still queued on the port: deliver them first,
    // and let their promise chains run, so only calls that truly got no answer count as crashed.
    this.#port.drain();
    setImmediate(() => {
      const inFlight = this.#pending.size;
      this.#pending.failAll(
        (call) =>
          new ActorCrashedError(
            `actor "${this.name}" died (${why}) while ${call.method}() (call ${call.id}) was in ` +
              `flight, one of ${inFlight}`,
            { cause },
          ),
      );
      this.#port.close();
    });
    this.#context.events.emit('actor:exited', {
      actor: this.name,
      replica: 0,
      exitCode: code,
      expected,
    });
    this.#onExit(code, expected);
  }
}

/** Resolves with the worker's `ready`, or rejects with why it will never come. */
function started(name: string, worker: Worker, timeoutMs: number): Promise<Ready> {
  return new Promise<Ready>((resolve, reject) => {
    let error: Error | undefined;
    const finish = () => {
      clearTimeout(timer);
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    const onMessage = (message: FromCustomWorker) => {
      finish();
      if (message.type === 'ready') resolve(message);
      else reject(reviveError(message.error));
    };
    const onError = (cause: Error) => {
      error = cause;
    };
    const onExit = (code: number) => {
      finish();
      const why = error ? `: ${errorText(error)}` : '';
      reject(
        new ActorError(
          `actor "${name}": its worker exited with code ${code} while starting${why}`,
          {
            cause: error,
          },
        ),
      );
    };
    const timer = setTimeout(() => {
      finish();
      reject(new TimeoutError(`actor "${name}" did not start within ${timeoutMs} ms`));
    }, timeoutMs);
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
  });
}

/** An error's code (Node's, like ERR_WORKER_OUT_OF_MEMORY) or class name, and its message. */
function errorText(error: Error): string {
  const code = (error as { code?: unknown }).code;
  return `${typeof code === 'string' ? code : error.name}: ${error.message}`;
}

function moduleHref(name: string, module: URL | string): string {
  if (module instanceof URL) return module.href;
  if (typeof module !== 'string' || module.length === 0) {
    throw new TypeError(
      `actor "${name}": module must be a URL or a path, got ${module === '' ? 'an empty string' : typeof module}`,
    );
  }
  if (/^[a-z][a-z0-9+.-]+:/i.test(module) && !isAbsolute(module)) return new URL(module).href;
  return pathToFileURL(resolve(module)).href;
}
