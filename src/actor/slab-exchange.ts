import type { Arena } from '../tensor/index.js';

/** Anything a slab can be posted to: a worker, or a port. */
export interface SlabMember {
  postMessage(message: { type: 'slab'; slab: number; buffer: SharedArrayBuffer }): void;
}

/**
 * Keeps every thread's view of the arena complete. A SharedArrayBuffer cannot be found by id from
 * another thread: whoever creates a slab must post it. Slabs made on the main thread are posted to
 * every worker; a slab a worker made reaches the main thread on the worker's own port (ahead of any
 * descriptor into it) and is forwarded to every other worker from here, so a descriptor the
 * runtime forwards later always finds its slab already attached on the receiving side.
 */
export class SlabExchange {
  readonly #arena: Arena;
  readonly #members = new Set<SlabMember>();

  constructor(arena: Arena) {
    this.#arena = arena;
    arena.onSlabCreated(({ id, buffer }) => this.#broadcast(id, buffer, undefined));
  }

  /** Joins a worker as soon as it is spawned, before it is ready, so no announcement is missed. */
  join(member: SlabMember): void {
    this.#members.add(member);
  }

  leave(member: SlabMember): void {
    this.#members.delete(member);
  }

  /** A worker announced a slab it created. */
  received(slab: number, buffer: SharedArrayBuffer, origin: SlabMember): void {
    this.#arena.attachSlab(slab, buffer);
    this.#broadcast(slab, buffer, origin);
  }

  #broadcast(slab: number, buffer: SharedArrayBuffer, origin: SlabMember | undefined): void {
    for (const member of this.#members) {
      if (member !== origin) member.postMessage({ type: 'slab', slab, buffer });
    }
  }
}
