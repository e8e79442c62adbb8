import { EventEmitter } from 'eventemitter3';
import { Admission } from '../actor/admission.js';
import * as args from '../actor/arguments.js';
import type { CallOptions } from '../actor/call-options.js';
import type { ActorContext } from '../actor/context.js';
import type { RuntimeEvents } from '../actor/events.js';
import type { RestartOptions } from '../actor/restart-budget.js';
import { SlabExchange } from '../actor/slab-exchange.js';
import type { StepActor } from '../actor/step-actor.js';
import type { ActorHealth, Supervisable } from '../actor/supervision/supervisable.js';
import { Supervisor, type SupervisorOptions } from '../actor/supervision/supervisor.js';
import { DecoderActor, type DecoderOptions } from '../engines/decoder/decoder-actor.js';
import { FusionActor } from '../engines/fusion/fusion-actor.js';
import { INLINE_FUSION_MAX_ELEMENTS, InlineFuser } from '../engines/fusion/inline-fuser.js';
import { CustomActor, type CustomActorOptions, type UntypedActor } from '../engines/js/index.js';
import { createAwakeCount } from '../engines/onnx/doorbell/doorbell-spin.js';
import { ModelActor, type ModelActorOptions } from '../engines/onnx/model-actor.js';
import { NatsActor, type NatsActorOptions } from '../engines/remote/nats/nats-actor.js';
import { RemoteModel, type RemoteModelOptions } from '../engines/remote/oip/remote-model.js';
import {
  ActorStoppedError,
  ArgumentError,
  DescriptorError,
  PlanError,
  RoundError,
  RoundtableError,
  type SerializedError,
} from '../errors.js';
import { type HealthReport, healthReport } from '../observability/health.js';
import { RuntimeMetrics } from '../observability/metrics.js';
import type { CascadeTrace } from '../plan-runner/cascade-trace.js';
import { type GeneratedSequence, type GenerateOptions, generate } from '../plan-runner/generate.js';
import { runCascade } from '../plan-runner/run-cascade.js';
import { type DecodeResult, runDecode } from '../plan-runner/run-decode.js';
import { type RoundsContext, type RunOptions, runRounds } from '../plan-runner/run-rounds.js';
import {
  type SpeculativeOptions,
  type SpeculativeResult,
  speculate,
} from '../plan-runner/speculative.js';
import type { Trace } from '../plan-runner/trace.js';
import type { CascadePlan, DecodePlan, Plan, RoundsPlan, SpeculativePlan } from '../plans/plan.js';
import { parsePlan } from '../plans/schema.js';
import {
  Arena,
  type ArenaOptions,
  type HostTensor,
  type TensorDescriptor,
} from '../tensor/index.js';
import {
  checkCustomOptions,
  checkDecoderOptions,
  checkGenerateOptions,
  checkModelOptions,
  checkNatsOptions,
  checkRemoteOptions,
  checkRestart,
  checkRunOptions,
  checkSupervisorOptions,
} from './check-options.js';

export interface RoundtableOptions {
  readonly arena?: ArenaOptions;
  /** Restart budget of the fusion actor's worker. */
  readonly fusionRestart?: RestartOptions;
  /**
   * How many nice levels below the process the worker threads of actors run, so that the
   * caller's event loop is scheduled first when it has work (Linux only; see
   * src/util/thread-priority.ts). Default 5; 0 keeps every thread at the process's priority.
   */
  readonly workerNice?: number;
  /**
   * Fusions of at most this many elements (K inputs × elements of one) run on the calling thread
   * with the fusion actor's kernels, same results bit for bit; larger ones go to the fusion
   * actor's worker. A thread hop costs more than the arithmetic below it; see
   * src/engines/fusion/inline-fuser.ts. Default INLINE_FUSION_MAX_ELEMENTS (65 536); 0 sends every
   * fusion to the fusion actor.
   */
  readonly inlineFusionMaxElements?: number;
  /**
   * The caller polls (on `setImmediate`) for a model's answer it expects within a few hundred
   * microseconds, instead of parking in `Atomics.waitAsync`. Polling answers back-to-back asks
   * sooner, but spaced asks, as a service receives them, came slower and cost more CPU with it
   * (the ask suite of `npm run bench`, docs/benchmarks.md). Default false.
   */
  readonly pollForAnswers?: boolean;
}

/**
 * See RoundtableOptions.workerNice. +5 rather than +10: the caller's event loop still comes first
 * (the demo's service answered its cheap endpoint as well as at +10), while the workers keep three
 * times the scheduler weight they had at +10 against every other thread; docs/architecture.md has
 * the measurement.
 */
const DEFAULT_WORKER_NICE = 5;

export interface PlanResult<T> {
  readonly outputs: Record<string, T>;
  readonly trace: Trace;
}

/** Why an actor stopped, as a death watch is told. */
export interface ActorStopped {
  readonly actor: string;
  readonly reason: SerializedError | undefined;
}

/** An actor the runtime owns: a plan step it can close, and usually a supervisable one. */
type OwnedActor = StepActor & {
  close(graceMs?: number): Promise<void>;
  health?(): ActorHealth;
};

/**
 * The runtime a service embeds: one arena shared by every thread, the actors, the fusion actor,
 * and their events. Create it once at start-up, spawn actors, run plans from request handlers,
 * close it on shutdown.
 */
export class Roundtable {
  readonly arena: Arena;
  readonly events: EventEmitter<RuntimeEvents>;
  readonly #context: ActorContext;
  readonly #actors = new Map<string, OwnedActor>();
  /** Stateful decoders: not plan steps (a step of theirs is a sequence's, not a tensor's). */
  readonly #decoders = new Map<string, DecoderActor>();
  readonly #supervisors = new Map<string, Supervisor>();
  readonly #supervised = new Set<string>();
  readonly #stopped = new Map<string, ActorStopped>();
  readonly #fusion: FusionActor;
  /** Small fusions run on this thread (see inline-fuser.ts), large ones on the fusion actor. */
  readonly #fuser: InlineFuser;
  readonly #metrics: RuntimeMetrics;
  /** Plan runs in flight, so close() can give them their grace. */
  readonly #inFlight = new Set<Promise<unknown>>();
  /**
   * Plans already found valid, each to the copy that was checked and is what runs: a plan is data
   * the runtime never changes, checked once.
   */
  readonly #valid = new WeakMap<object, Plan>();
  #runs = 0;
  #closing: Promise<void> | undefined;

  private constructor(
    arena: Arena,
    context: ActorContext,
    fusion: FusionActor,
    inlineFusionMaxElements: number,
  ) {
    this.arena = arena;
    this.events = context.events;
    this.#context = context;
    this.#fusion = fusion;
    this.#fuser = new InlineFuser(arena, fusion, inlineFusionMaxElements, `actor "${fusion.name}"`);
    this.events.on('actor:stopped', (event) => this.#stopped.set(event.actor, event));
    this.#metrics = new RuntimeMetrics(this.events, {
      actors: () => this.#healthOfActors(),
      arena: () => arena.stats(),
    });
  }

  static async create(options: RoundtableOptions = {}): Promise<Roundtable> {
    const where = 'Roundtable.create';
    const given = args.options(where, 'options', options);
    const read = (key: string) => args.field(where, `options.${key}`, given, key);
    const workerNice =
      args.optionalInteger(where, 'options.workerNice', read('workerNice'), 0, 19) ??
      DEFAULT_WORKER_NICE;
    const inlineFusion =
      args.optionalInteger(
        where,
        'options.inlineFusionMaxElements',
        read('inlineFusionMaxElements'),
        0,
      ) ?? INLINE_FUSION_MAX_ELEMENTS;
    const pollForAnswers = args.optionalBoolean(
      where,
      'options.pollForAnswers',
      read('pollForAnswers'),
    );
    const fusionRestart = checkRestart(where, 'options.fusionRestart', read('fusionRestart'));
    const arena = createArena(where, read('arena'));
    const events = new EventEmitter<RuntimeEvents>();
    const context: ActorContext = {
      arena,
      slabs: new SlabExchange(arena),
      events,
      workerNice,
      pollForAnswers: pollForAnswers ?? false,
      awakeWorkers: createAwakeCount(),
      admission: new Admission(),
    };
    const fusion = await FusionActor.spawn(
      'fusion',
      context,
      fusionRestart as RestartOptions | undefined,
    );
    return new Roundtable(arena, context, fusion, inlineFusion);
  }

  /** The fusion actor every plan fuses with (its health, and fault injection in tests). */
  get fusion(): FusionActor {
    return this.#fusion;
  }

  /** The context new actors are spawned in (custom actors take it too). */
  get context(): ActorContext {
    return this.#context;
  }

  /** Spawns a model actor. Rejects with ModelLoadError if ONNX Runtime refuses the model. */
  async spawnModel(name: string, options: ModelActorOptions): Promise<ModelActor> {
    this.#claim(name, 'Roundtable.spawnModel');
    options = checkModelOptions(`Roundtable.spawnModel("${name}")`, options);
    const actor = await ModelActor.spawn(name, this.#context, options);
    return this.#own(name, actor);
  }

  /**
   * Spawns a decoder actor on a model folder as published (onnxruntime-genai or Hugging Face
   * Optimum layout): its workers keep each open sequence's key/value cache between steps. Rejects
   * with ModelFolderError if the folder matches no layout, ModelLoadError if a model will not load.
   */
  async spawnDecoder(name: string, options: DecoderOptions): Promise<DecoderActor> {
    this.#claim(name, 'Roundtable.spawnDecoder');
    options = checkDecoderOptions(`Roundtable.spawnDecoder("${name}")`, options);
    const decoder = await DecoderActor.spawn(name, this.#context, options);
    if (this.#closing) {
      void decoder.close();
      throw new ActorStoppedError(`the runtime is closing: decoder "${name}" was not kept`);
    }
    this.#decoders.set(name, decoder);
    return decoder;
  }

  decoder(name: string): DecoderActor | undefined {
    return this.#decoders.get(name);
  }

  /**
   * Generates from `prompt` with the named decoders (several: an ensemble, their log-probabilities
   * fused each step): greedy, or beam search with Hugging Face's semantics. Best first.
   */
  generate(
    decoders: string | readonly string[],
    prompt: readonly number[],
    options: GenerateOptions = {},
  ): Promise<GeneratedSequence[]> {
    const closed = this.#refuse();
    if (closed) return closed;
    const where = 'Roundtable.generate';
    const actors: DecoderActor[] = [];
    let ids: number[];
    let checked: GenerateOptions;
    try {
      const names = typeof decoders === 'string' ? [decoders] : decoders;
      if (!Array.isArray(names) || names.length === 0)
        args.refuse(where, 'decoders', 'a decoder name or a non-empty array of them', decoders);
      for (let i = 0; i < names.length; i++) {
        const argument = typeof decoders === 'string' ? 'decoders' : `decoders[${i}]`;
        const name = args.name(where, argument, args.field(where, argument, names, String(i)));
        const decoder = this.#decoders.get(name);
        if (!decoder) throw new PlanError(`no decoder named "${name}"`);
        actors.push(decoder);
      }
      ids = args.tokenIds(where, 'prompt', prompt);
      if (ids.length === 0) args.refuse(where, 'prompt', 'a non-empty array of token ids', prompt);
      checked = checkGenerateOptions(where, options);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#track(() => generate(actors, ids, checked));
  }

  /**
   * Spawns a custom actor: a module of the user's started on a worker and reached through a typed
   * reference (`actor.ref.method(...)`); usable as a plan step if it has a `run` method.
   */
  async spawnCustom<T extends object = UntypedActor>(
    name: string,
    options: CustomActorOptions,
  ): Promise<CustomActor<T>> {
    this.#claim(name, 'Roundtable.spawnCustom');
    options = checkCustomOptions(`Roundtable.spawnCustom("${name}")`, options);
    const actor = await CustomActor.spawn<T>(name, this.#context, options);
    return this.#own(name, actor);
  }

  /**
   * Adds a model served by another machine through the Open Inference Protocol (Triton, KServe,
   * OpenVINO Model Server, MLServer, `roundtable serve --http`), usable as a plan step under
   * `name`. Rejects with RemoteUnavailableError if the server cannot be reached or the model is
   * not ready, RemoteError if the server refuses (an unknown model is HTTP 404).
   */
  async addRemoteModel(name: string, options: RemoteModelOptions): Promise<RemoteModel> {
    this.#claim(name, 'Roundtable.addRemoteModel');
    options = checkRemoteOptions(`Roundtable.addRemoteModel("${name}")`, options);
    const actor = await RemoteModel.connect(name, this.#context, options);
    return this.#own(name, actor);
  }

  /**
   * Registers an actor made elsewhere (a custom actor) so plans can name it; the runtime closes it
   * on close().
   */
  register<A extends OwnedActor>(actor: A): A {
    this.#claim(actor.name, 'Roundtable.register');
    this.#actors.set(actor.name, actor);
    return actor;
  }

  /**
   * Adds an actor served by other processes over NATS (`roundtable serve --nats`), by name; plans
   * use it like a local one. Its metadata is fetched first, so feeds are checked here: rejects
   * with RemoteUnavailableError if no server serves it.
   *
   * @example runtime.addNatsActor('m1', { connection: await connect({ servers: url }) })
   */
  async addNatsActor(name: string, options: NatsActorOptions): Promise<NatsActor> {
    this.#claim(name, 'Roundtable.addNatsActor');
    options = checkNatsOptions(`Roundtable.addNatsActor("${name}")`, options);
    const actor = await NatsActor.connect(
      name,
      this.arena,
      options,
      this.events,
      this.#context.admission,
    );
    return this.#own(name, actor);
  }

  actor(name: string): StepActor | undefined {
    return this.#actors.get(name);
  }

  /**
   * Puts actors already spawned under one supervisor: from now on their deaths are handled by its
   * strategy and its restart budget (which replace each actor's own). An actor has at most one
   * supervisor.
   *
   * @example runtime.supervise('pipeline', { strategy: 'rest-for-one',
   *   children: ['tokenizer', 'encoder', 'decoder'], maxRestarts: 3, withinMs: 10_000 })
   */
  supervise(name: string, options: SupervisorOptions): Supervisor {
    this.#assertOpen();
    args.name('Roundtable.supervise', 'name', name);
    if (this.#supervisors.has(name)) {
      throw new RoundtableError(`a supervisor named "${name}" already exists`);
    }
    const checked = checkSupervisorOptions(`Roundtable.supervise("${name}")`, options);
    const names = checked.children;
    const children = names.map((child) => {
      const actor = this.#actors.get(child);
      if (!actor) throw new RoundtableError(`supervisor "${name}": no actor named "${child}"`);
      if (!isSupervisable(actor)) {
        throw new ArgumentError(
          `supervisor "${name}": actor "${child}" cannot be supervised`,
          'options.children',
        );
      }
      if (this.#supervised.has(child)) {
        throw new RoundtableError(
          `supervisor "${name}": actor "${child}" already has a supervisor`,
        );
      }
      return actor;
    });
    if (new Set(names).size !== names.length) {
      throw new RoundtableError(`supervisor "${name}": an actor is listed twice`);
    }
    const supervisor = new Supervisor(name, children, checked, this.events);
    for (const child of names) this.#supervised.add(child);
    this.#supervisors.set(name, supervisor);
    return supervisor;
  }

  /**
   * Death watch: calls `listener` once when the actor stops for good (closed, crashed without a
   * restart, or past its restart budget); at once (on the next tick) if it has stopped already.
   * Returns a function that cancels the watch.
   */
  watch(name: string, listener: (event: ActorStopped) => void): () => void {
    args.name('Roundtable.watch', 'name', name);
    if (typeof listener !== 'function')
      args.refuse('Roundtable.watch', 'listener', 'a function', listener);
    const stopped = this.#stopped.get(name);
    if (stopped) {
      const timer = setImmediate(() => listener(stopped));
      return () => clearImmediate(timer);
    }
    if (!this.#actors.has(name) && name !== this.#fusion.name) {
      throw new RoundtableError(`no actor named "${name}" to watch`);
    }
    const onStopped = (event: ActorStopped) => {
      if (event.actor !== name) return;
      this.events.off('actor:stopped', onStopped);
      listener(event);
    };
    this.events.on('actor:stopped', onStopped);
    return () => {
      this.events.off('actor:stopped', onStopped);
    };
  }

  /** Readiness and the state of every actor, for a service's health endpoints. */
  health(): HealthReport {
    return healthReport(this.#closing === undefined, this.#healthOfActors());
  }

  /** Every metric in the Prometheus text exposition format (see {@link metricsContentType}). */
  metrics(): Promise<string> {
    return this.#metrics.text();
  }

  /** The Content-Type header to serve {@link metrics} with. */
  get metricsContentType(): string {
    return this.#metrics.contentType;
  }

  /** Runs a plan on host tensors; returns host tensors and the trace. Nothing stays in the arena. */
  async run(
    plan: RoundsPlan,
    feeds: Record<string, HostTensor>,
    options: RunOptions = {},
  ): Promise<PlanResult<HostTensor>> {
    this.#assertOpen();
    const where = `Roundtable.run`;
    const valid = this.#validated(plan, where);
    const hostFeeds = args.hostFeeds(where, feeds);
    const checked = checkRunOptions(where, options);
    const shared: Record<string, TensorDescriptor> = {};
    try {
      for (const name in hostFeeds) {
        const feed = hostFeeds[name]!;
        shared[name] = this.arena.writeTensor(feed.dtype, feed.dims, feed.data as never);
      }
      const result = await this.runShared(valid as RoundsPlan, shared, checked);
      const outputs: Record<string, HostTensor> = {};
      const released = new Set<TensorDescriptor>();
      try {
        for (const name in result.outputs)
          outputs[name] = this.arena.readTensor(result.outputs[name]!) as HostTensor;
      } finally {
        for (const name in result.outputs) {
          const descriptor = result.outputs[name]!;
          // A plan output may be one of the feeds passed straight through, or named twice.
          if (!released.has(descriptor) && !Object.values(shared).includes(descriptor))
            this.arena.release(descriptor);
          released.add(descriptor);
        }
      }
      return { outputs, trace: result.trace };
    } finally {
      for (const name in shared) this.arena.release(shared[name]!);
    }
  }

  /**
   * Runs a plan on tensors already in the arena. The caller owns the returned output descriptors
   * (release them) unless an output is one of its own feeds.
   */
  runShared(
    plan: RoundsPlan,
    feeds: Record<string, TensorDescriptor>,
    options: RunOptions = {},
  ): Promise<PlanResult<TensorDescriptor>> {
    const closed = this.#refuse();
    if (closed) return closed;
    const where = 'Roundtable.runShared';
    let valid: Plan;
    let shared: Record<string, TensorDescriptor>;
    let checked: RunOptions;
    try {
      valid = this.#validated(plan, where);
      if (valid.kind !== 'rounds')
        throw new PlanError(`plan "${valid.name}" is a ${valid.kind} plan: use decode()`);
      shared = {};
      const given = args.record(where, 'feeds', feeds);
      for (const name in given) {
        try {
          shared[name] = this.arena.check(given[name] as TensorDescriptor);
        } catch (error) {
          // As when a step meets the bad feed: the plan's RoundError, the typed error its cause.
          if (!(error instanceof DescriptorError)) throw error;
          throw new RoundError(`plan "${valid.name}": feed "${name}": ${error.message}`, {
            cause: error,
          });
        }
      }
      checked = checkRunOptions(where, options);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#track(() =>
      runRounds(valid as RoundsPlan, shared, this.#roundsContext(), checked),
    );
  }

  /** Step-synchronous ensemble decoding from a prompt of token ids. */
  decode(
    plan: DecodePlan,
    prompt: readonly number[],
    options: CallOptions = {},
  ): Promise<DecodeResult> {
    const closed = this.#refuse();
    if (closed) return closed;
    const where = 'Roundtable.decode';
    let valid: Plan;
    let ids: number[];
    let checked: CallOptions;
    try {
      valid = this.#validated(plan, where);
      if (valid.kind !== 'decode')
        throw new PlanError(`plan "${valid.name}" is a ${valid.kind} plan: use run()`);
      ids = args.tokenIds(where, 'prompt', prompt);
      checked = args.callOptions(where, options);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#track(() => runDecode(valid as DecodePlan, ids, this.#roundsContext(), checked));
  }

  /**
   * Speculative decoding (a `speculative` plan): the plan's draft decoder proposes tokens, its
   * target decoder verifies them in one step each round. `options` override the plan's settings.
   * The result carries the trace: proposed, accepted, acceptance rate, k per round, calls.
   */
  speculate(
    plan: SpeculativePlan,
    prompt: readonly number[],
    options: SpeculativeOptions = {},
  ): Promise<SpeculativeResult> {
    const closed = this.#refuse();
    if (closed) return closed;
    let valid: Plan;
    try {
      valid = this.#validated(plan, 'Roundtable.speculate');
      if (valid.kind !== 'speculative')
        throw new PlanError(`plan "${valid.name}" is a ${valid.kind} plan: use run()`);
    } catch (error) {
      return Promise.reject(error);
    }
    plan = valid;
    const draft = this.#decoders.get(plan.draft);
    const target = this.#decoders.get(plan.target);
    for (const [role, name, decoder] of [
      ['draft', plan.draft, draft],
      ['target', plan.target, target],
    ] as const) {
      if (!decoder)
        return Promise.reject(
          new PlanError(`plan "${plan.name}": no decoder named "${name}" (its ${role})`),
        );
    }
    const { kind: _kind, name: _name, draft: _draft, target: _target, ...settings } = plan;
    return this.#track(() => speculate(draft!, target!, prompt, { ...settings, ...options }));
  }

  /**
   * Runs a cascade on host tensors: each row of the plan's input goes to the cheapest model
   * first and on to the next only while its score is below the stage's threshold. Returns the
   * answers (host tensors, nothing stays in the arena) and the trace of who answered each row.
   */
  async cascade(
    plan: CascadePlan,
    feeds: Record<string, HostTensor>,
    options: RunOptions = {},
  ): Promise<{ outputs: Record<string, HostTensor>; trace: CascadeTrace }> {
    const closed = this.#refuse();
    if (closed) return closed;
    const where = 'Roundtable.cascade';
    const valid = this.#validated(plan, where);
    if (valid.kind !== 'cascade')
      throw new PlanError(`plan "${valid.name}" is a ${valid.kind} plan: use run() or decode()`);
    plan = valid;
    const hostFeeds = args.hostFeeds(where, feeds);
    const checked = checkRunOptions(where, options);
    const shared: Record<string, TensorDescriptor> = {};
    try {
      for (const name in hostFeeds) {
        const feed = hostFeeds[name]!;
        shared[name] = this.arena.writeTensor(feed.dtype, feed.dims, feed.data as never);
      }
      const result = await this.#track(() =>
        runCascade(plan, shared, this.#roundsContext(), checked),
      );
      const answer = result.outputs[plan.output]!;
      try {
        return {
          outputs: { [plan.output]: this.arena.readTensor(answer) as HostTensor },
          trace: result.trace,
        };
      } finally {
        this.arena.release(answer);
      }
    } finally {
      for (const name in shared) this.arena.release(shared[name]!);
    }
  }

  /**
   * Shuts down gracefully: new work is refused with ActorStoppedError at once; plan runs and
   * messages in flight get `graceMs` to finish; what is still queued or running after that is
   * answered with ActorStoppedError; then every worker is terminated (never inside ONNX Runtime
   * nor inside an arena section). Nothing keeps the process alive afterwards.
   */
  close(graceMs = 5_000): Promise<void> {
    try {
      args.optionalDelay('Roundtable.close', 'graceMs', graceMs);
    } catch (error) {
      return Promise.reject(error);
    }
    this.#context.admission?.close();
    this.#closing ??= (async () => {
      const deadline = Date.now() + graceMs;
      if (this.#inFlight.size > 0 && graceMs > 0) {
        let timer: ReturnType<typeof setTimeout> | undefined;
        await Promise.race([
          Promise.allSettled([...this.#inFlight]),
          new Promise((resolve) => {
            timer = setTimeout(resolve, graceMs);
          }),
        ]);
        clearTimeout(timer);
      }
      const remaining = () => Math.max(0, deadline - Date.now());
      await Promise.all([...this.#actors.values()].map((actor) => actor.close(remaining())));
      await Promise.all([...this.#decoders.values()].map((decoder) => decoder.close()));
      await this.#fusion.close(remaining());
    })();
    return this.#closing;
  }

  #own<A extends OwnedActor>(name: string, actor: A): A {
    if (this.#closing) {
      void actor.close(0);
      throw new ActorStoppedError(`the runtime is closing: actor "${name}" was not kept`);
    }
    this.#actors.set(name, actor);
    return actor;
  }

  #track<T>(start: () => Promise<T>): Promise<T> {
    // A run admitted now may still call its actors while close() waits for it.
    const run = this.#context.admission ? this.#context.admission.admit(start) : start();
    this.#inFlight.add(run);
    const forget = () => this.#inFlight.delete(run);
    run.then(forget, forget);
    return run;
  }

  #healthOfActors(): ActorHealth[] {
    const actors: ActorHealth[] = [];
    for (const actor of this.#actors.values()) if (actor.health) actors.push(actor.health());
    for (const decoder of this.#decoders.values()) actors.push(decoder.health());
    actors.push(this.#fusion.health());
    return actors;
  }

  /**
   * The checked copy of `plan` that runs, or a PlanError naming the field that is wrong. Each plan
   * object is checked on its first run only, not on every request; what runs is the copy made
   * then, so a plan changed after it ran (or a getter that answers differently) changes nothing.
   */
  #validated(plan: unknown, where: string): Plan {
    if (typeof plan !== 'object' || plan === null || Array.isArray(plan))
      args.refuse(where, 'plan', 'a plan object', plan);
    const known = this.#valid.get(plan);
    if (known) return known;
    let valid: Plan;
    try {
      valid = parsePlan(plan, `${where}: plan`);
    } catch (error) {
      if (error instanceof RoundtableError) throw error;
      throw new PlanError(`${where}: plan could not be read: ${(error as Error).message}`);
    }
    this.#valid.set(plan, valid);
    // run() hands the copy on to runShared(): found at once there too.
    this.#valid.set(valid, valid);
    return valid;
  }

  #roundsContext(): RoundsContext {
    return {
      arena: this.arena,
      events: this.events,
      fuser: this.#fuser,
      actor: (name) => this.#actors.get(name),
      run: ++this.#runs,
    };
  }

  #claim(name: string, where: string): void {
    this.#assertOpen();
    args.name(where, 'name', name);
    if (this.#actors.has(name) || this.#decoders.has(name) || name === this.#fusion.name)
      throw new RoundtableError(`an actor named "${name}" already exists`);
  }

  #refuse(): Promise<never> | undefined {
    if (!this.#closing) return undefined;
    return Promise.reject(new ActorStoppedError('the runtime is closing: no new work is taken'));
  }

  #assertOpen(): void {
    if (this.#closing) throw new ActorStoppedError('the runtime is closing: no new work is taken');
  }
}

function isSupervisable(actor: OwnedActor): actor is OwnedActor & Supervisable {
  const candidate = actor as Partial<Supervisable>;
  return (
    typeof candidate.superviseBy === 'function' &&
    typeof candidate.restart === 'function' &&
    typeof candidate.stop === 'function'
  );
}

/** The arena of `Roundtable.create`, its options refused as that method's argument. */
function createArena(where: string, options: unknown): Arena {
  const given = args.record(where, 'options.arena', args.options(where, 'options.arena', options));
  try {
    return Arena.create(given);
  } catch (error) {
    if (error instanceof RoundtableError) throw error;
    throw new ArgumentError(`${where}: options.${(error as Error).message}`, 'options.arena');
  }
}
