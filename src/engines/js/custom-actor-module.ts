/**
 * The contract between the runtime and a module a user writes to run as a custom actor.
 *
 * A custom actor module exports one of, looked up in this order:
 *
 * 1. the export named by the `export` spawn option, if given;
 * 2. `createActor`: a factory `(context) => T` (or `Promise<T>`);
 * 3. `default`: a factory, a class (`new C(context)`), or a ready-made object of functions.
 *
 * A function is constructed with `new` only when it is written with `class` syntax; any other
 * function is called as a factory. The object it builds is what the caller reaches through
 * `CustomActor.ref` / `CustomActor.call`: its methods take and return structured-clone data.
 *
 * To be a plan step the object has a `run(inputs)` method over {@link HostTensor}s (see
 * {@link RunnableActor}); the module may also export a {@link CustomActorSignature} named
 * `signature`, which the runtime then checks feeds against.
 *
 * @example
 * ```ts
 * import type { CustomActorContext, HostTensor } from 'roundtable';
 *
 * export const signature = {
 *   inputs: [{ name: 'logits', dtype: 'float32', shape: ['batch', 8] }],
 *   outputs: [{ name: 'score', dtype: 'float32', shape: ['batch'] }],
 * };
 *
 * export function createActor(context: CustomActorContext<{ bias: number }>) {
 *   return {
 *     hello: (who: string) => `${context.name} greets ${who}`,
 *     run: ({ logits }: Record<string, HostTensor>) => ({ score: rowSums(logits, context.options.bias) }),
 *   };
 * }
 * ```
 */
import type { IoMetadata } from '../../actor/protocol.js';
import type { Arena, HostTensor, TensorDescriptor } from '../../tensor/index.js';

/** What the runtime gives the factory of a custom actor, inside its worker. */
export interface CustomActorContext<Options = unknown> {
  /** The actor's name, as spawned. */
  readonly name: string;
  /** The `options` spawn option, structured-cloned into the worker. */
  readonly options: Options;
  /** This worker's view of the runtime's arena: descriptors from any thread resolve here. */
  readonly arena: Arena;
  /**
   * The tensor a descriptor points at. Numeric tensors are zero-copy views over shared memory:
   * valid until the descriptor's owner releases it. String tensors are decoded copies.
   */
  view(descriptor: TensorDescriptor): HostTensor;
  /** A private copy of the tensor a descriptor points at. */
  read(descriptor: TensorDescriptor): HostTensor;
  /** Copies a tensor into the arena; whoever receives the descriptor must release it. */
  write(tensor: HostTensor): TensorDescriptor;
  /** Gives a tensor's block back to the arena. */
  release(descriptor: TensorDescriptor): void;
}

/**
 * A custom actor that can be a plan step. `inputs` are views over the arena, valid only until the
 * returned promise settles: copy what must outlive the call. Each returned tensor is copied into
 * the arena by the runtime, unless it is already a descriptor (written with `context.write`).
 */
export interface RunnableActor {
  run(
    inputs: Record<string, HostTensor>,
  ):
    | Record<string, HostTensor | TensorDescriptor>
    | Promise<Record<string, HostTensor | TensorDescriptor>>;
}

/** The inputs and outputs a custom actor module declares in its `signature` export. */
export interface CustomActorSignature {
  readonly inputs: readonly IoMetadata[];
  readonly outputs: readonly IoMetadata[];
}

/** The shape of a factory export. */
export type CustomActorFactory<T extends object, Options = unknown> = (
  context: CustomActorContext<Options>,
) => T | Promise<T>;
