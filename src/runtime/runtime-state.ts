import type { EventEmitter } from 'eventemitter3';
import * as args from '../actor/arguments.js';
import type { ActorContext } from '../actor/context.js';
import type { RuntimeEvents } from '../actor/events.js';
import type { StepActor } from '../actor/step-actor.js';
import type { ActorHealth } from '../actor/supervision/supervisable.js';
import type { Supervisor } from '../actor/supervision/supervisor.js';
import type { DecoderActor } from '../engines/decoder/decoder-actor.js';
import type { FusionActor } from '../engines/fusion/fusion-actor.js';
import { InlineFuser } from '../engines/fusion/inline-fuser.js';
import { ActorStoppedError, RoundtableError, type SerializedError } from '../errors.js';
import { RuntimeMetrics } from '../observability/metrics.js';
import type { RoundsContext } from '../plan-runner/run-rounds.js';
import type { Plan } from '../plans/plan.js';
import type { Arena } from '../tensor/index.js';

/** Why an actor stopped, as a death watch is told. */
export interface ActorStopped {
  readonly actor: string;
  readonly reason: SerializedError | undefined;
}

/** An actor the runtime owns: a plan step it can close, and usually a supervisable one. */
export type OwnedActor = StepActor & {
  close(graceMs?: number): Promise<void>;
  health?(): ActorHealth;
};

/**
 * What one runtime holds, shared by the files that implement its methods (spawning, running
 * plans, decoding, supervising, closing): the arena and context, the actors by name, the runs in
 * flight, and whether close() began. The public class keeps it in a #private field.
 */
export class RuntimeState {
  readonly arena: Arena;
  readonly events: EventEmitter<RuntimeEvents>;
  readonly context: ActorContext;
  readonly actors = new Map<string, OwnedActor>();
  /** Stateful decoders: not plan steps (a step of theirs is a sequence's, not a tensor's). */
  readonly decoders = new Map<string, DecoderActor>();
  readonly supervisors = new Map<string, Supervisor>();
  readonly supervised = new Set<string>();
  readonly stopped = new Map<string, ActorStopped>();
  readonly fusion: FusionActor;
  /** Small fusions run on this thread (see inline-fuser.ts), large ones on the fusion actor. */
  readonly fuser: InlineFuser;
  readonly metrics: RuntimeMetrics;
  /** Plan runs in flight, so close() can give them their grace. */
  readonly inFlight = new Set<Promise<unknown>>();
  /**
   * Plans already found valid, each to the copy that was checked and is what runs: a plan is data
   * the runtime never changes, checked once.
   */
  readonly valid = new WeakMap<object, Plan>();
  closing: Promise<void> | undefined;
  #runs = 0;

  constructor(context: ActorContext, fusion: FusionActor, inlineFusionMaxElements: number) {
    this.arena = context.arena;
    this.events = context.events;
    this.context = context;
    this.fusion = fusion;
    // The fuser serves plan runs only: what it hands the fusion actor is admitted work.
    this.fuser = new InlineFuser(
      this.arena,
      this.admitted(fusion),
      inlineFusionMaxElements,
      `actor "${fusion.name}"`,
    );
    this.events.on('actor:stopped', (event) => this.stopped.set(event.actor, event));
    this.metrics = new RuntimeMetrics(this.events, {
      actors: () => this.healthOfActors(),
      arena: () => this.arena.stats(),
    });
  }

  /** Keeps `actor` under `name`, unless close() began meanwhile (then it is closed at once). */
  own<A extends OwnedActor>(name: string, actor: A): A {
    if (this.closing) {
      void actor.close(0);
      throw new ActorStoppedError(`the runtime is closing: actor "${name}" was not kept`);
    }
    this.actors.set(name, actor);
    return actor;
  }

  /**
   * Starts a run, counted in flight until it settles: close() waits for it. The run calls its
   * actors through `admitted` views, so it may still call them while close() waits.
   */
  track<T>(start: () => Promise<T>): Promise<T> {
    const run = start();
    this.inFlight.add(run);
    const forget = () => this.inFlight.delete(run);
    run.then(forget, forget);
    return run;
  }

  healthOfActors(): ActorHealth[] {
    const actors: ActorHealth[] = [];
    for (const actor of this.actors.values()) if (actor.health) actors.push(actor.health());
    for (const decoder of this.decoders.values()) actors.push(decoder.health());
    actors.push(this.fusion.health());
    return actors;
  }

  /** `actor` as a run admitted before close() calls it (see src/actor/admission.ts). */
  admitted<A extends object>(actor: A): A {
    return this.context.admission ? this.context.admission.view(actor) : actor;
  }

  roundsContext(): RoundsContext {
    return {
      arena: this.arena,
      events: this.events,
      fuser: this.fuser,
      actor: (name) => {
        const actor = this.actors.get(name);
        return actor && this.admitted(actor);
      },
      run: ++this.#runs,
    };
  }

  /** Takes `name` for a new actor: the runtime is open, the name is a string no actor has. */
  claim(name: string, where: string): void {
    this.assertOpen();
    args.name(where, 'name', name);
    if (this.actors.has(name) || this.decoders.has(name) || name === this.fusion.name)
      throw new RoundtableError(`an actor named "${name}" already exists`);
  }

  /** The rejection of new work once close() began, undefined while open. */
  refuse(): Promise<never> | undefined {
    if (!this.closing) return undefined;
    return Promise.reject(new ActorStoppedError('the runtime is closing: no new work is taken'));
  }

  assertOpen(): void {
    if (this.closing) throw new ActorStoppedError('the runtime is closing: no new work is taken');
  }
}
