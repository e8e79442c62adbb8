import type { EventEmitter } from 'eventemitter3';
import type { CallOptions } from '../actor/call-options.js';
import type { ActorContext } from '../actor/context.js';
import type { RuntimeEvents } from '../actor/events.js';
import type { StepActor } from '../actor/step-actor.js';
import type { Supervisor, SupervisorOptions } from '../actor/supervision/supervisor.js';
import { type WarmUpOptions, type WarmUpReport, warmUp, warmUpBudget } from '../actor/warm-up.js';
import type { DecoderActor } from '../engines/decoder/decoder-actor.js';
import type { DecoderOptions } from '../engines/decoder/decoder-types.js';
import type { CustomActor, CustomActorOptions, UntypedActor } from '../engines/js/index.js';
import type { ModelActor, ModelActorOptions } from '../engines/onnx/model-actor.js';
import type { NatsActor, NatsActorOptions } from '../engines/remote/nats/nats-actor.js';
import type { RemoteModel, RemoteModelOptions } from '../engines/remote/oip/remote-model.js';
import { type HealthReport, healthReport } from '../observability/health.js';
import type { CascadeTrace } from '../plan-runner/cascade-trace.js';
import type { GeneratedSequence, GenerateOptions } from '../plan-runner/generate.js';
import type { DecodeResult } from '../plan-runner/run-decode.js';
import type { RunOptions } from '../plan-runner/run-rounds.js';
import type { SpeculativeOptions, SpeculativeResult } from '../plan-runner/speculative.js';
import type { CascadePlan, DecodePlan, RoundsPlan, SpeculativePlan } from '../plans/plan.js';
import type { Arena, HostTensor, TensorDescriptor } from '../tensor/index.js';
import { closeRuntime } from './close-runtime.js';
import { createRuntimeState, type RoundtableOptions } from './create-runtime.js';
import { decodeWith, generateWith, speculateWith } from './decode-entries.js';
import { registerFusion } from './fusion-access.js';
import { cascade, type PlanResult, run, runShared } from './run-plans.js';
import type { ActorStopped, OwnedActor, RuntimeState } from './runtime-state.js';
import * as spawning from './spawn-actors.js';
import { supervise, watch } from './supervise.js';

export type { RoundtableOptions } from './create-runtime.js';
export type { PlanResult } from './run-plans.js';
export type { ActorStopped } from './runtime-state.js';

/**
 * Plans a warm-up keeps in flight at once in its second half: two keep a model actor that one step
 * asks busy (one running, one in its doorbell's second slot) without queueing in its mailbox.
 */
const PLANS_IN_FLIGHT = 2;

/**
 * The runtime a service embeds: one arena shared by every thread, the actors, the fusion actor,
 * and their events. Create it once at start-up, spawn actors, run plans from request handlers,
 * close it on shutdown.
 *
 * A thin class over its #private state: each method's work lives in a file of its own in
 * src/runtime/ (spawning, running plans, decoding, supervising, closing).
 */
export class Roundtable {
  readonly arena: Arena;
  readonly events: EventEmitter<RuntimeEvents>;
  readonly #state: RuntimeState;

  private constructor(state: RuntimeState) {
    this.arena = state.arena;
    this.events = state.events;
    this.#state = state;
    registerFusion(this, state.fusion);
  }

  static async create(options: RoundtableOptions = {}): Promise<Roundtable> {
    return new Roundtable(await createRuntimeState(options));
  }

  /** The context new actors are spawned in (custom actors take it too). */
  get context(): ActorContext {
    return this.#state.context;
  }

  /** Spawns a model actor. Rejects with ModelLoadError if ONNX Runtime refuses the model. */
  spawnModel(name: string, options: ModelActorOptions): Promise<ModelActor> {
    return spawning.spawnModel(this.#state, name, options);
  }

  /**
   * Spawns a decoder actor on a model folder as published (onnxruntime-genai or Hugging Face
   * Optimum layout): its workers keep each open sequence's key/value cache between steps. Rejects
   * with ModelFolderError if the folder matches no layout, ModelLoadError if a model will not load.
   */
  spawnDecoder(name: string, options: DecoderOptions): Promise<DecoderActor> {
    return spawning.spawnDecoder(this.#state, name, options);
  }

  decoder(name: string): DecoderActor | undefined {
    return this.#state.decoders.get(name);
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
    return generateWith(this.#state, decoders, prompt, options);
  }

  /**
   * Spawns a custom actor: a module of the user's started on a worker and reached through a typed
   * reference (`actor.ref.method(...)`); usable as a plan step if it has a `run` method.
   */
  spawnCustom<T extends object = UntypedActor>(
    name: string,
    options: CustomActorOptions,
  ): Promise<CustomActor<T>> {
    return spawning.spawnCustom<T>(this.#state, name, options);
  }

  /**
   * Adds a model served by another machine through the Open Inference Protocol (Triton, KServe,
   * OpenVINO Model Server, MLServer, `roundtable serve --http`), usable as a plan step under
   * `name`. Rejects with RemoteUnavailableError if the server cannot be reached or the model is
   * not ready, RemoteError if the server refuses (an unknown model is HTTP 404).
   */
  addRemoteModel(name: string, options: RemoteModelOptions): Promise<RemoteModel> {
    return spawning.addRemoteModel(this.#state, name, options);
  }

  /**
   * Registers an actor made elsewhere (a custom actor) so plans can name it; the runtime closes it
   * on close().
   */
  register<A extends OwnedActor>(actor: A): A {
    return spawning.register(this.#state, actor);
  }

  /**
   * Adds an actor served by other processes over NATS (`roundtable serve --nats`), by name; plans
   * use it like a local one. Its metadata is fetched first, so feeds are checked here: rejects
   * with RemoteUnavailableError if no server serves it.
   *
   * @example runtime.addNatsActor('m1', { connection: await connect({ servers: url }) })
   */
  addNatsActor(name: string, options: NatsActorOptions): Promise<NatsActor> {
    return spawning.addNatsActor(this.#state, name, options);
  }

  actor(name: string): StepActor | undefined {
    return this.#state.actors.get(name);
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
    return supervise(this.#state, name, options);
  }

  /**
   * Death watch: calls `listener` once when the actor stops for good (closed, crashed without a
   * restart, or past its restart budget); at once (on the next tick) if it has stopped already.
   * Returns a function that cancels the watch.
   */
  watch(name: string, listener: (event: ActorStopped) => void): () => void {
    return watch(this.#state, name, listener);
  }

  /** Readiness and the state of every actor, for a service's health endpoints. */
  health(): HealthReport {
    return healthReport(this.#state.closing === undefined, this.#state.healthOfActors());
  }

  /** Every metric in the Prometheus text exposition format (see {@link metricsContentType}). */
  metrics(): Promise<string> {
    return this.#state.metrics.text();
  }

  /** The Content-Type header to serve {@link metrics} with. */
  get metricsContentType(): string {
    return this.#state.metrics.contentType;
  }

  /** Runs a plan on host tensors; returns host tensors and the trace. Nothing stays in the arena. */
  run(
    plan: RoundsPlan,
    feeds: Record<string, HostTensor>,
    options: RunOptions = {},
  ): Promise<PlanResult<HostTensor>> {
    return run(this.#state, plan, feeds, options);
  }

  /**
   * Runs `plan` on `feeds` until `options.asks` runs (default 4 000) or `options.ms` milliseconds
   * (default 1 000), whichever comes first: half one at a time, half two at a time. For a service
   * to call before it takes traffic, so that V8 has optimized the plan runner's, the fusion's and
   * the actors' code before the first request (see src/actor/warm-up.ts). The runs are runs like
   * any other: they count in the actors' statistics, the events and the metrics.
   * @throws the first failed run's error, once every run has settled.
   */
  warmUp(
    plan: RoundsPlan,
    feeds: Record<string, HostTensor>,
    options?: WarmUpOptions,
  ): Promise<WarmUpReport> {
    try {
      const { asks, ms } = warmUpBudget('Roundtable.warmUp', options);
      return warmUp(() => this.run(plan, feeds), PLANS_IN_FLIGHT, asks, ms);
    } catch (error) {
      return Promise.reject(error);
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
    return runShared(this.#state, plan, feeds, options);
  }

  /** Step-synchronous ensemble decoding from a prompt of token ids. */
  decode(
    plan: DecodePlan,
    prompt: readonly number[],
    options: CallOptions = {},
  ): Promise<DecodeResult> {
    return decodeWith(this.#state, plan, prompt, options);
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
    return speculateWith(this.#state, plan, prompt, options);
  }

  /**
   * Runs a cascade on host tensors: each row of the plan's input goes to the cheapest model
   * first and on to the next only while its score is below the stage's threshold. Returns the
   * answers (host tensors, nothing stays in the arena) and the trace of who answered each row.
   */
  cascade(
    plan: CascadePlan,
    feeds: Record<string, HostTensor>,
    options: RunOptions = {},
  ): Promise<{ outputs: Record<string, HostTensor>; trace: CascadeTrace }> {
    return cascade(this.#state, plan, feeds, options);
  }

  /**
   * Shuts down gracefully: new work is refused with ActorStoppedError at once; plan runs and
   * messages in flight get `graceMs` to finish; what is still queued or running after that is
   * answered with ActorStoppedError; then every worker is terminated (never inside ONNX Runtime
   * nor inside an arena section). Nothing keeps the process alive afterwards.
   */
  close(graceMs = 5_000): Promise<void> {
    return closeRuntime(this.#state, graceMs);
  }
}
