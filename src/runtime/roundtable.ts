import { EventEmitter } from 'eventemitter3';
import type { CallOptions } from '../actor/call-options.js';
import { SlabExchange } from '../actor/slab-exchange.js';
import { CustomActor, type CustomActorOptions, type UntypedActor } from '../engines/js/index.js';
import { ModelActor, type ModelActorOptions } from '../engines/onnx/model-actor.js';
import { PlanError, RoundtableError } from '../errors.js';
import { FusionActor } from '../fusion/fusion-actor.js';
import type { DecodePlan, Plan, RoundsPlan } from '../plans/plan.js';
import { checkConsistency } from '../plans/schema.js';
import { type DecodeResult, runDecode } from '../supervisor/run-decode.js';
import { type RoundsContext, runRounds } from '../supervisor/run-rounds.js';
import type { StepActor } from '../supervisor/step-actor.js';
import type { Trace } from '../supervisor/trace.js';
import {
  Arena,
  type ArenaOptions,
  type HostTensor,
  type TensorDescriptor,
} from '../tensor/index.js';
import type { ActorContext } from './context.js';
import type { RuntimeEvents } from './events.js';

export interface RoundtableOptions {
  readonly arena?: ArenaOptions;
}

export interface PlanResult<T> {
  readonly outputs: Record<string, T>;
  readonly trace: Trace;
}

/**
 * The runtime a service embeds: one arena shared by every thread, the actors, the fusion actor,
 * and their events. Create it once at start-up, spawn actors, run plans from request handlers,
 * close it on shutdown.
 */
export class Roundtable {
  readonly arena: Arena;
  readonly events: EventEmitter<RuntimeEvents>;
  readonly #context: ActorContext;
  readonly #actors = new Map<string, StepActor & { close(graceMs?: number): Promise<void> }>();
  readonly #fusion: FusionActor;
  #runs = 0;
  #closed = false;

  private constructor(arena: Arena, context: ActorContext, fusion: FusionActor) {
    this.arena = arena;
    this.events = context.events;
    this.#context = context;
    this.#fusion = fusion;
  }

  static async create(options: RoundtableOptions = {}): Promise<Roundtable> {
    const arena = Arena.create(options.arena);
    const events = new EventEmitter<RuntimeEvents>();
    const context: ActorContext = { arena, slabs: new SlabExchange(arena), events };
    const fusion = await FusionActor.spawn('fusion', context);
    return new Roundtable(arena, context, fusion);
  }

  /** The context new actors are spawned in (custom actors take it too). */
  get context(): ActorContext {
    return this.#context;
  }

  /** Spawns a model actor. Rejects with ModelLoadError if ONNX Runtime refuses the model. */
  async spawnModel(name: string, options: ModelActorOptions): Promise<ModelActor> {
    this.#claim(name);
    try {
      const actor = await ModelActor.spawn(name, this.#context, options);
      this.#actors.set(name, actor);
      return actor;
    } catch (error) {
      this.#actors.delete(name);
      throw error;
    }
  }

  /**
   * Spawns a custom actor: a module of the user's started on a worker and reached through a typed
   * reference (`actor.ref.method(...)`); usable as a plan step if it has a `run` method.
   */
  async spawnCustom<T extends object = UntypedActor>(name: string, options: CustomActorOptions): Promise<CustomActor<T>> {
    this.#claim(name);
    const actor = await CustomActor.spawn<T>(name, this.#context, options);
    this.#actors.set(name, actor);
    return actor;
  }

  /**
   * Registers an actor made elsewhere (a custom actor) so plans can name it; the runtime closes it
   * on close().
   */
  register<A extends StepActor & { close(graceMs?: number): Promise<void> }>(actor: A): A {
    this.#claim(actor.name);
    this.#actors.set(actor.name, actor);
    return actor;
  }

  actor(name: string): StepActor | undefined {
    return this.#actors.get(name);
  }

  /** Runs a plan on host tensors; returns host tensors and the trace. Nothing stays in the arena. */
  async run(
    plan: RoundsPlan,
    feeds: Record<string, HostTensor>,
    options: CallOptions = {},
  ): Promise<PlanResult<HostTensor>> {
    const shared: Record<string, TensorDescriptor> = {};
    try {
      for (const name in feeds) {
        const feed = feeds[name]!;
        shared[name] = this.arena.writeTensor(feed.dtype, feed.dims, feed.data as never);
      }
      const result = await this.runShared(plan, shared, options);
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
    options: CallOptions = {},
  ): Promise<PlanResult<TensorDescriptor>> {
    this.#assertOpen();
    if (plan.kind !== 'rounds')
      return Promise.reject(
        new PlanError(
          `plan "${(plan as Plan).name}" is a ${(plan as Plan).kind} plan: use decode()`,
        ),
      );
    try {
      checkConsistency(plan);
    } catch (error) {
      return Promise.reject(error);
    }
    return runRounds(plan, feeds, this.#roundsContext(), options);
  }

  /** Step-synchronous ensemble decoding from a prompt of token ids. */
  decode(
    plan: DecodePlan,
    prompt: readonly number[],
    options: CallOptions = {},
  ): Promise<DecodeResult> {
    this.#assertOpen();
    try {
      checkConsistency(plan);
    } catch (error) {
      return Promise.reject(error);
    }
    return runDecode(plan, prompt, this.#roundsContext(), options);
  }

  /** Closes every actor (in-flight work gets `graceMs` to finish) and releases the workers. */
  async close(graceMs = 5_000): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all([...this.#actors.values()].map((actor) => actor.close(graceMs)));
    await this.#fusion.close();
    this.#actors.clear();
  }

  #roundsContext(): RoundsContext {
    return {
      arena: this.arena,
      events: this.events,
      fuser: this.#fusion,
      actor: (name) => this.#actors.get(name),
      run: ++this.#runs,
    };
  }

  #claim(name: string): void {
    this.#assertOpen();
    if (this.#actors.has(name))
      throw new RoundtableError(`an actor named "${name}" already exists`);
  }

  #assertOpen(): void {
    if (this.#closed) throw new RoundtableError('the runtime is closed');
  }
}
