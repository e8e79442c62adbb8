/**
 * What tests and the soak reach inside an actor to make it fail on purpose: a model actor's live
 * replicas (to kill one or arm a fault on it), a decoder's fault, a custom or fusion actor's kill.
 * No public type carries them and `src/index.ts` does not export this module, so a user's
 * autocomplete on an actor shows none of them. Each actor registers its hooks here when it is
 * built; the functions below look them up.
 */
import type { DecoderActor } from './decoder/decoder-actor.js';
import type { SequenceHandle } from './decoder/decoder-types.js';
import type { FusionActor } from './fusion/fusion-actor.js';
import type { CustomActor } from './js/custom-actor.js';
import type { ModelActor } from './onnx/model-actor.js';
import type { Replica } from './onnx/replica.js';

export interface ActorHooks {
  /** A model actor's replicas running now. */
  readonly replicas?: () => readonly Replica[];
  /** Terminates the worker as a fault would. */
  readonly kill?: () => Promise<void>;
  /** A decoder: the worker holding a sequence (or replica i) exits at its next message. */
  readonly injectFault?: (where: SequenceHandle | number) => void;
}

const registered = new WeakMap<object, ActorHooks>();

/** Called by an actor's constructor. */
export function registerTestHooks(actor: object, hooks: ActorHooks): void {
  registered.set(actor, hooks);
}

function hook<K extends keyof ActorHooks>(actor: object, name: K): NonNullable<ActorHooks[K]> {
  const found = registered.get(actor)?.[name];
  if (!found) throw new TypeError(`this actor has no test hook "${name}"`);
  return found as NonNullable<ActorHooks[K]>;
}

/** A model actor's replicas running now (each with `kill()` and `injectFault()`). */
export function replicasOf(actor: ModelActor): readonly Replica[] {
  return hook(actor, 'replicas')();
}

/** Terminates a custom or fusion actor's worker as a fault would. */
export function killWorker(actor: CustomActor | FusionActor): Promise<void> {
  return hook(actor, 'kill')();
}

/**
 * The decoder worker holding `where`'s sequence (or replica `where`, default 0) exits at its next
 * message; obeyed only when the decoder was spawned withFaultInjection.
 */
export function injectDecoderFault(
  decoder: DecoderActor,
  where: SequenceHandle | number = 0,
): void {
  hook(decoder, 'injectFault')(where);
}
