import type { Arena, TensorDescriptor } from '../tensor/index.js';
import { DTYPES, dtypeFromOnnx } from '../tensor/index.js';

const FREE = 0;
const HELD = 1;
/** Float64 fields per slot: slab, offset, byteLength, gen, ONNX type number, element count. */
const FIELDS = 6;
const DEFAULT_SLOTS = 1024;

/** What {@link Holdings.reclaim} gave back to the arena. */
export interface Reclaimed {
  readonly blocks: number;
  readonly bytes: number;
}

/**
 * The arena blocks one worker wrote for the runtime and has not yet handed over: a journal in
 * shared memory, so that blocks a worker allocated are not lost when it dies before its reply
 * leaves (killed, out of memory, `process.exit`).
 *
 * The worker records each block it writes for a reply ({@link hold}), and lists the slots of the
 * blocks a reply carries ({@link handOff}); the runtime frees those slots when the reply arrives
 * ({@link free}). A slot is written by one side at a time: FREE → HELD by the worker, HELD → FREE
 * by the worker for a block it released itself, or by the runtime for a block it received. When
 * the worker has exited, every reply it posted has been delivered (Node drains a dead worker's
 * port before its 'exit' event; custom actors drain their own port), so the slots still HELD are
 * exactly the blocks nobody else knows of: {@link reclaim} releases them. Release is
 * generation-checked, so a block the worker released without clearing its slot is left alone.
 *
 * A full journal (more blocks in hand at once than slots) is not an error: the block is simply
 * not journaled, and would leak if the worker died holding it.
 */
export class Holdings {
  readonly buffer: SharedArrayBuffer;
  readonly #state: Int32Array;
  readonly #fields: Float64Array;
  readonly #slots: number;
  /** Worker side: slot of each journaled block, by descriptor object. */
  readonly #mine = new Map<TensorDescriptor, number>();
  #cursor = 0;

  constructor(buffer: SharedArrayBuffer) {
    this.buffer = buffer;
    const slots = buffer.byteLength / (4 + 8 * FIELDS + 4);
    if (!Number.isInteger(slots) || slots < 1) {
      throw new TypeError(`holdings: a buffer of ${buffer.byteLength} bytes is not a journal`);
    }
    this.#slots = slots;
    this.#state = new Int32Array(buffer, 0, slots);
    this.#fields = new Float64Array(buffer, 8 * slots, slots * FIELDS);
  }

  /** A journal of `slots` entries, to post to one worker. */
  static create(slots = DEFAULT_SLOTS): Holdings {
    // State words padded to 8 bytes each so the Float64 fields that follow stay aligned.
    return new Holdings(new SharedArrayBuffer(slots * (4 + 8 * FIELDS + 4)));
  }

  /** Slots in use, either side. */
  get held(): number {
    let count = 0;
    for (let i = 0; i < this.#slots; i++) if (Atomics.load(this.#state, i) === HELD) count++;
    return count;
  }

  /** Worker side: journals a block this worker just wrote. */
  hold(descriptor: TensorDescriptor): void {
    for (let tries = 0; tries < this.#slots; tries++) {
      const slot = this.#cursor;
      this.#cursor = (this.#cursor + 1) % this.#slots;
      if (Atomics.load(this.#state, slot) !== FREE) continue;
      const at = slot * FIELDS;
      const f = this.#fields;
      f[at] = descriptor.slab;
      f[at + 1] = descriptor.offset;
      f[at + 2] = descriptor.byteLength;
      f[at + 3] = descriptor.gen;
      f[at + 4] = DTYPES[descriptor.dtype].onnx;
      f[at + 5] = descriptor.dims.reduce((count, dim) => count * dim, 1);
      // Published last: a HELD slot's fields are complete.
      Atomics.store(this.#state, slot, HELD);
      this.#mine.set(descriptor, slot);
      return;
    }
  }

  /** Worker side: the block was released here; forget it. */
  forget(descriptor: TensorDescriptor): void {
    const slot = this.#mine.get(descriptor);
    if (slot === undefined) return;
    this.#mine.delete(descriptor);
    Atomics.store(this.#state, slot, FREE);
  }

  /**
   * Worker side: the blocks are about to be posted in a reply. Returns their slots, which the
   * runtime frees on receipt; blocks that were never journaled have none.
   */
  handOff(descriptors: Iterable<TensorDescriptor>): number[] {
    const slots: number[] = [];
    for (const descriptor of descriptors) {
      const slot = this.#mine.get(descriptor);
      if (slot === undefined) continue;
      this.#mine.delete(descriptor);
      slots.push(slot);
    }
    return slots;
  }

  /** Runtime side: a reply carrying these slots' blocks arrived; the caller owns them now. */
  free(slots: readonly number[] | undefined): void {
    if (!slots) return;
    for (const slot of slots) {
      if (Number.isInteger(slot) && slot >= 0 && slot < this.#slots) {
        Atomics.store(this.#state, slot, FREE);
      }
    }
  }

  /**
   * Runtime side, once the worker has exited and its last replies were delivered: releases every
   * block still journaled.
   */
  reclaim(arena: Arena): Reclaimed {
    let blocks = 0;
    let bytes = 0;
    for (let slot = 0; slot < this.#slots; slot++) {
      if (Atomics.load(this.#state, slot) !== HELD) continue;
      const at = slot * FIELDS;
      const f = this.#fields;
      const descriptor: TensorDescriptor = {
        slab: f[at]!,
        offset: f[at + 1]!,
        byteLength: f[at + 2]!,
        gen: f[at + 3]!,
        dtype: dtypeFromOnnx(f[at + 4]!),
        dims: [f[at + 5]!],
      };
      Atomics.store(this.#state, slot, FREE);
      try {
        arena.release(descriptor);
        blocks++;
        bytes += descriptor.byteLength;
      } catch {
        // Released by the worker itself before it could clear the slot: nothing to give back.
      }
    }
    return { blocks, bytes };
  }
}
