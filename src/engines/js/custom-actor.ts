import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ResourceLimits } from 'node:worker_threads';
import * as argumentChecks from '../../actor/arguments.js';
import type { CallOptions } from '../../actor/call-options.js';
import type { ActorContext } from '../../actor/context.js';
import { WorkerActorCore } from '../../actor/core/worker-actor-core.js';
import { validateFeeds } from '../../actor/feed-validation.js';
import { DEFAULT_MAILBOX_CAPACITY } from '../../actor/mailbox.js';
import type { IoMetadata, RunStats } from '../../actor/protocol.js';
import type { RestartOptions } from '../../actor/restart-budget.js';
import { ownPolicy } from '../../actor/supervision/own-policy.js';
import type {
  ActorHealth,
  ActorState,
  DeathHandler,
  Supervisable,
} from '../../actor/supervision/supervisable.js';
import { ActorStoppedError, ArgumentError, PlanError, type RoundtableError } from '../../errors.js';
import type { TensorDescriptor } from '../../tensor/index.js';
import { registerTestHooks } from '../test-hooks.js';
import { callError } from './call-error.js';
import { checkCustomOptions } from './custom-options.js';
import type { SharedRunReply } from './custom-protocol.js';
import { Incarnation, type LaunchOptions, type Ready } from './incarnation.js';

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
  /**
   * Restart the worker when it dies, within this budget (one-for-one). Without it a custom actor
   * whose worker dies stops, unless a supervisor manages it.
   */
  readonly restart?: RestartOptions;
  /**
   * Calls that may wait while the worker is being restarted; more are refused with
   * MailboxFullError. Default 64. (A running custom actor takes every call at once: its worker's
   * event loop interleaves them.)
   */
  readonly mailbox?: { readonly capacity?: number };
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

const DEFAULT_START_TIMEOUT = 30_000;
const DEFAULT_WAITING = DEFAULT_MAILBOX_CAPACITY;

/**
 * A JavaScript module as an actor on its own worker thread, reached through comlink. On top of
 * comlink it gives every call a timeout and an AbortSignal, answers every call in flight with
 * ActorCrashedError when the worker dies, and turns errors into the runtime's typed errors.
 *
 * Calls are not queued: each is sent at once and the worker's event loop interleaves them (an
 * `async` method yields at each `await`). While the worker is being restarted (see the `restart`
 * option and supervisors), calls wait for the new worker, at most `mailbox.capacity` of them.
 *
 * The worker's life, the calls' settlement, restart, stop and health are the actor core's (see
 * src/actor/core/worker-actor-core.ts); this class adds the module's methods and its run step.
 */
export class CustomActor<T extends object = UntypedActor> implements Supervisable {
  readonly name: string;
  /** Inputs the module declared in its `signature` export; undefined when it declared none. */
  readonly inputs: readonly IoMetadata[] | undefined;
  readonly outputs: readonly IoMetadata[] | undefined;
  /** Names of the actor object's methods. */
  readonly methods: readonly string[];
  /** Every method of the actor, with the default call options. */
  readonly ref: CustomActorRef<T>;
  readonly #context: ActorContext;
  readonly #defaults: CallOptions;
  readonly #core: WorkerActorCore<Incarnation>;

  private constructor(
    name: string,
    context: ActorContext,
    core: WorkerActorCore<Incarnation>,
    options: CustomActorOptions,
  ) {
    this.name = name;
    this.#context = context;
    this.#core = core;
    registerTestHooks(this, { kill: () => core.kill() });
    const ready: Ready = core.current!.ready;
    this.inputs = ready.signature?.inputs;
    this.outputs = ready.signature?.outputs;
    this.methods = ready.methods;
    this.#defaults = options.timeout === undefined ? {} : { timeout: options.timeout };
    this.ref = this.with({});
  }

  /**
   * Starts the worker, loads the module and builds the actor.
   * @throws ActorError when the module cannot be loaded or its factory throws; TimeoutError when
   *   it takes longer than `startTimeout`; ArgumentError naming a bad option (`options.timeout`).
   */
  static async spawn<T extends object = UntypedActor>(
    name: string,
    context: ActorContext,
    options: CustomActorOptions,
  ): Promise<CustomActor<T>> {
    argumentChecks.name('CustomActor.spawn', 'name', name);
    options = checkCustomOptions(`actor "${String(name)}": spawn`, options);
    const module = moduleHref(name, options.module);
    const startTimeout = options.startTimeout ?? DEFAULT_START_TIMEOUT;
    const capacity = options.mailbox?.capacity;
    const launch: LaunchOptions = {
      module,
      exportName: options.export,
      options: options.options,
      resourceLimits: options.resourceLimits,
      startTimeout,
    };
    const core = await WorkerActorCore.start<Incarnation>({
      name,
      kind: 'custom',
      context,
      launch: () => Incarnation.launch(name, context, launch),
      waiting: {
        capacity: capacity ?? DEFAULT_WAITING,
        option: `spawnCustom's option mailbox.capacity (default ${DEFAULT_WAITING})`,
      },
      where: (call) => `actor "${name}": ${call.method}() (call ${call.id})`,
      observe: (call, error) =>
        context.events.emit('actor:message', {
          actor: name,
          ms: performance.now() - call.started,
          ...(error ? { code: codeOf(error) } : {}),
        }),
      policy: options.restart ? (actor) => ownPolicy(actor, options.restart) : undefined,
    });
    return new CustomActor<T>(name, context, core, options);
  }

  /** Every method of the actor, with these call options instead of the defaults. */
  with(options: CallOptions): CustomActorRef<T> {
    options = argumentChecks.callOptions(`actor "${this.name}": with()`, options);
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
    try {
      options = argumentChecks.callOptions(`actor "${this.name}": call()`, options);
      if (!Array.isArray(args))
        argumentChecks.refuse(
          `actor "${this.name}": call()`,
          'args',
          'an array of arguments',
          args,
        );
    } catch (error) {
      return Promise.reject(error);
    }
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
    const refused = this.#core.refuse('run');
    if (refused) return refused;
    try {
      feeds = argumentChecks.record(
        `actor "${this.name}": runShared()`,
        'feeds',
        feeds,
      ) as typeof feeds;
      options = argumentChecks.callOptions(`actor "${this.name}": runShared()`, options);
    } catch (error) {
      return Promise.reject(error);
    }
    if (!this.methods.includes('run')) {
      return Promise.reject(
        new PlanError(
          `actor "${this.name}" has no run(inputs) method, so it cannot run a plan step; ` +
            `its methods are ${this.#methodList()}`,
        ),
      );
    }
    // What is validated and sent is the checked copy of each descriptor, not the caller's object.
    const checked: Record<string, TensorDescriptor> = {};
    try {
      for (const name in feeds) checked[name] = this.#context.arena.check(feeds[name]!);
      if (this.inputs) validateFeeds(this.name, this.inputs, checked);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#core.calls.track<SharedRunReply>(
      'run',
      { ...this.#defaults, ...options },
      (call) =>
        this.#core.worker(call).then((incarnation) =>
          incarnation.remote.runShared(checked).then((reply) => {
            // Handed over: the dead worker's journal must not reclaim these any more.
            incarnation.life.holdings.free(reply.held);
            return reply;
          }),
        ),
      (error) => callError(this.name, 'run', error),
      (late) => {
        for (const name in late.outputs) this.#context.arena.release(late.outputs[name]!);
      },
    );
  }

  /** Calls in flight. */
  get pending(): number {
    return this.#core.calls.size;
  }

  /** False once the actor has stopped (its worker died unrestarted, or close() began). */
  get alive(): boolean {
    return this.#core.alive;
  }

  get state(): ActorState {
    return this.#core.state;
  }

  health(): ActorHealth {
    return this.#core.health();
  }

  /** Called once per worker exit; `expected` is true after {@link close} or a strategy's restart. */
  onExit(listener: (exitCode: number, expected: boolean) => void): void {
    this.#core.onExit(listener);
  }

  superviseBy(handler: DeathHandler): void {
    this.#core.superviseBy(handler);
  }

  restart(which: number | 'all', delayMs: number): void {
    this.#core.restart(which, delayMs);
  }

  stop(reason: RoundtableError): Promise<void> {
    return this.#core.stop(reason);
  }

  /**
   * Stops the actor: new calls are refused with ActorStoppedError at once, calls in flight get
   * `graceMs` to finish, then the worker is terminated and those still in flight are answered
   * with ActorStoppedError.
   */
  close(graceMs = 5_000): Promise<void> {
    return this.#core.close(
      graceMs,
      (call) =>
        new ActorStoppedError(
          `actor "${this.name}" was closed while ${call.method}() (call ${call.id}) was in flight ` +
            `(it had ${graceMs} ms to finish)`,
        ),
    );
  }

  #call(method: string, args: unknown[], options: CallOptions): Promise<unknown> {
    const refused = this.#core.refuse(method);
    if (refused) return refused;
    if (!this.methods.includes(method)) {
      // The caller's wrong method name, not a fault of the actor: refused before anything is sent.
      return Promise.reject(
        new ArgumentError(
          `actor "${this.name}" has no method "${method}"; its methods are ${this.#methodList()}`,
          'method',
        ),
      );
    }
    return this.#core.calls.track(
      method,
      options,
      (call) =>
        this.#core.worker(call).then((incarnation) => {
          const target = incarnation.remote.actor as unknown as Record<
            string,
            (...args: unknown[]) => Promise<unknown>
          >;
          return target[method]!(...args);
        }),
      (error) => callError(this.name, method, error),
    );
  }

  #methodList(): string {
    return this.methods.length === 0 ? 'none' : this.methods.map((m) => `"${m}"`).join(', ');
  }
}

function codeOf(error: Error): string {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : error.name;
}

function moduleHref(name: string, module: URL | string): string {
  if (module instanceof URL) return module.href;
  if (/^[a-z][a-z0-9+.-]+:/i.test(module) && !isAbsolute(module)) {
    if (!URL.canParse(module))
      argumentChecks.refuse(
        `actor "${name}": spawn`,
        'options.module',
        "a module's URL or path",
        module,
      );
    return new URL(module).href;
  }
  return pathToFileURL(resolve(module)).href;
}
