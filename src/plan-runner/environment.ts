import { PlanError } from '../errors.js';
import type { Arena, TensorDescriptor } from '../tensor/index.js';

/**
 * The tensors of one plan run: the caller's feeds and every output written so far, by plan tensor
 * name. Round-scoped lifetimes: everything the run allocated is released when it settles, except
 * what the caller keeps (the plan's outputs). A name a later round writes again points at the new
 * tensor; the old one stays alive until the end, since a trace or a fusion may still read it.
 */
export class Environment {
  readonly #arena: Arena;
  readonly #tensors = new Map<string, TensorDescriptor>();
  /** Descriptors this run allocated, so owes a release. Feeds belong to the caller. */
  readonly #owned = new Set<TensorDescriptor>();
  readonly #kept = new Set<TensorDescriptor>();
  /** Set by {@link releaseAll}: the run gave up or settled, so nothing adopted later is kept. */
  #released = false;

  constructor(arena: Arena, feeds: Readonly<Record<string, TensorDescriptor>>) {
    this.#arena = arena;
    for (const [name, descriptor] of Object.entries(feeds)) this.#tensors.set(name, descriptor);
  }

  has(name: string): boolean {
    return this.#tensors.has(name);
  }

  get(name: string): TensorDescriptor {
    const descriptor = this.#tensors.get(name);
    if (!descriptor)
      throw new PlanError(
        `tensor "${name}" has not been written (known: ${[...this.#tensors.keys()].join(', ')})`,
      );
    return descriptor;
  }

  set(name: string, descriptor: TensorDescriptor): void {
    this.#tensors.set(name, descriptor);
  }

  /**
   * Takes ownership of descriptors an actor allocated for this run. An answer that arrives after
   * the run released everything (a step that settled after its round gave up) is freed at once.
   */
  adopt(descriptors: Iterable<TensorDescriptor>): void {
    for (const descriptor of descriptors) this.adoptOne(descriptor);
  }

  /** {@link adopt} for one descriptor, without an array around it (a step's outputs, one by one). */
  adoptOne(descriptor: TensorDescriptor): void {
    if (this.#released) this.#arena.release(descriptor);
    else this.#owned.add(descriptor);
  }

  /** Hands descriptors to the caller: they survive {@link releaseAll}. */
  keep(descriptors: Iterable<TensorDescriptor>): void {
    for (const descriptor of descriptors) this.#kept.add(descriptor);
  }

  releaseAll(): void {
    this.#released = true;
    for (const descriptor of this.#owned) {
      if (!this.#kept.has(descriptor)) this.#arena.release(descriptor);
    }
    this.#owned.clear();
  }
}
