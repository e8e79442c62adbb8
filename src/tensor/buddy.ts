import { lock, unlock } from './lock.js';

/**
 * One slab of the arena: a SharedArrayBuffer holding a buddy allocator's bookkeeping followed by
 * the tensor bytes it hands out. Every thread that attaches the slab builds its own `Slab` over
 * the same buffer; all state is in the buffer, so any of them can allocate and release.
 *
 * Why a buddy allocator: its whole state is a few flat arrays (no pointers, no per-thread heap),
 * allocate and release are O(log n) under one short lock, freed neighbours merge back at once so
 * the slab does not fragment into unusable slivers, and every block is a power of two aligned to
 * its own size, which makes a block's size and start derivable from its offset. The price is up to
 * 2× internal waste on sizes just above a power of two.
 *
 * Why 64-byte units: a block never shares a cache line with another (no false sharing between two
 * threads writing neighbouring tensors), and every typed array, BigInt64Array included, is aligned.
 *
 * Buffer layout (N = data bytes / 64, a power of two; all in native byte order):
 *   [0, 64)             header, Int32: lock word, magic, slab id, N, max order, data start
 *   [64, 64+4N)         gen: Uint32 per unit; the generation of the live block that starts at this
 *                       unit, 0 when no live block starts here. Kept apart from the data so a
 *                       writer overrunning its tensor cannot forge it.
 *   [64+4N, 64+5N)      order: Uint8 per unit; log2(units) of the block starting here while live
 *   [64+5N, 64+6N)      kind: Uint8 per unit; what the live block starting here holds (the arena
 *                       stores the ONNX data type number), so a descriptor cannot relabel it
 *   [64+6N, 64+8N)      tree: Uint8 per node of the complete binary tree over the units, 1-based
 *                       heap order (root 1, children 2i and 2i+1; nodes of order k are
 *                       [N>>k, 2N>>k)); value = 1 + order of the largest free block inside the
 *                       node, 0 if none
 *   [dataStart, +64N)   the blocks; dataStart is the next multiple of 64
 * Bookkeeping is 8 bytes per 64-byte unit (12.5%).
 *
 * Only the lock word is accessed with Atomics. Everything else is read and written with plain
 * typed-array accesses, under the lock for writers; the lock's atomic acquire and release order
 * them between allocating threads. A reader checking a descriptor without the lock is ordered
 * after the allocation by whatever delivered the descriptor to it (postMessage, or an Atomics
 * handshake), and aligned integer elements never tear (ECMA-262 IsNoTearConfiguration). Each
 * Atomics operation costs about 7 ns on Node 20, several times a plain access, and allocate,
 * release and check run for every tensor of every round.
 *
 * The slab also counts its allocations and releases, under its lock, in its two entries of
 * `events` (a Float64Array in the control block, exact to 2^53): arena-wide counts without two
 * more contended atomic operations per tensor.
 */

export const UNIT_BYTES = 64;
/** Largest slab, in units: 2^30 units = 64 GiB, so unit arithmetic stays within int32. */
export const MAX_SLAB_ORDER = 30;

const SLAB_MAGIC = 0x534c4142; // 'SLAB'
const H_LOCK = 0;
const H_MAGIC = 1;
const H_ID = 2;
const H_UNITS = 3;
const H_MAX_ORDER = 4;
const H_DATA_START = 5;
const HEADER_BYTES = 64;

export interface SlabLayout {
  readonly dataStart: number;
  readonly byteLength: number;
}

export function slabLayout(units: number): SlabLayout {
  const meta = HEADER_BYTES + 8 * units;
  const dataStart = Math.ceil(meta / UNIT_BYTES) * UNIT_BYTES;
  return { dataStart, byteLength: dataStart + units * UNIT_BYTES };
}

/** The buddy order of the block that holds `byteLength` bytes: ceil(log2(units)), at least 0. */
export function orderFor(byteLength: number): number {
  const units = Math.ceil(byteLength / UNIT_BYTES);
  return units <= 1 ? 0 : 32 - Math.clz32(units - 1);
}

export class Slab {
  readonly id: number;
  readonly buffer: SharedArrayBuffer;
  /** Units of 64 bytes in the data region. */
  readonly units: number;
  readonly maxOrder: number;
  /** Byte offset of the data region in `buffer`. */
  readonly dataStart: number;
  /** Byte offset just past the data region. */
  readonly dataEnd: number;
  /** The whole buffer as 32-bit words, for the string layout's header. */
  readonly words: Uint32Array<SharedArrayBuffer>;
  readonly #header: Int32Array<SharedArrayBuffer>;
  readonly #gen: Uint32Array<SharedArrayBuffer>;
  readonly #order: Uint8Array<SharedArrayBuffer>;
  readonly #kind: Uint8Array<SharedArrayBuffer>;
  readonly #tree: Uint8Array<SharedArrayBuffer>;
  readonly #events: Float64Array<SharedArrayBuffer>;
  readonly #eventIndex: number;
  #bytes: Buffer | undefined;

  private constructor(
    id: number,
    buffer: SharedArrayBuffer,
    units: number,
    events: Float64Array<SharedArrayBuffer>,
  ) {
    this.id = id;
    this.#events = events;
    this.#eventIndex = 2 * id;
    this.buffer = buffer;
    this.units = units;
    this.maxOrder = 31 - Math.clz32(units);
    const { dataStart } = slabLayout(units);
    this.dataStart = dataStart;
    this.dataEnd = dataStart + units * UNIT_BYTES;
    this.words = new Uint32Array(buffer);
    this.#header = new Int32Array(buffer, 0, HEADER_BYTES / 4);
    this.#gen = new Uint32Array(buffer, HEADER_BYTES, units);
    this.#order = new Uint8Array(buffer, HEADER_BYTES + 4 * units, units);
    this.#kind = new Uint8Array(buffer, HEADER_BYTES + 5 * units, units);
    this.#tree = new Uint8Array(buffer, HEADER_BYTES + 6 * units, 2 * units);
  }

  /**
   * A new slab of `units` (a power of two), all free.
   * @param events the control block's allocation and release counts, two per slab id
   */
  static create(id: number, units: number, events: Float64Array<SharedArrayBuffer>): Slab {
    const buffer = new SharedArrayBuffer(slabLayout(units).byteLength);
    const slab = new Slab(id, buffer, units, events);
    const header = slab.#header;
    header[H_ID] = id;
    header[H_UNITS] = units;
    header[H_MAX_ORDER] = slab.maxOrder;
    header[H_DATA_START] = slab.dataStart;
    for (let k = 0; k <= slab.maxOrder; k++) {
      slab.#tree.fill(k + 1, units >>> k, (units >>> k) * 2);
    }
    // Published last: a slab whose magic is set is fully initialised.
    Atomics.store(header, H_MAGIC, SLAB_MAGIC);
    return slab;
  }

  /**
   * A view of a slab another thread created.
   * @throws TypeError when the buffer is not a slab, or is the slab of another id.
   */
  static open(
    id: number,
    buffer: SharedArrayBuffer,
    events: Float64Array<SharedArrayBuffer>,
  ): Slab {
    if (!(buffer instanceof SharedArrayBuffer) || buffer.byteLength < HEADER_BYTES) {
      throw new TypeError(`slab ${id}: expected the SharedArrayBuffer of an arena slab`);
    }
    const header = new Int32Array(buffer, 0, HEADER_BYTES / 4);
    const units = header[H_UNITS]!;
    if (
      Atomics.load(header, H_MAGIC) !== SLAB_MAGIC ||
      units <= 0 ||
      (units & (units - 1)) !== 0 ||
      slabLayout(units).byteLength !== buffer.byteLength
    ) {
      throw new TypeError(`slab ${id}: the buffer is not an initialised arena slab`);
    }
    if (header[H_ID] !== id) {
      throw new TypeError(`slab ${id}: the buffer is slab ${header[H_ID]}, not ${id}`);
    }
    return new Slab(id, buffer, units, events);
  }

  /** Largest free block order, read without the lock: a hint for skipping full slabs. */
  largestFreeOrder(): number {
    return this.#tree[1]! - 1;
  }

  /** Generation of the live block starting at `unit`, 0 if none starts there. */
  genAt(unit: number): number {
    return this.#gen[unit]!;
  }

  /** Order of the block starting at `unit`; meaningful only while `genAt(unit)` is non-zero. */
  orderAt(unit: number): number {
    return this.#order[unit]!;
  }

  /** Kind of the block starting at `unit`; meaningful only while `genAt(unit)` is non-zero. */
  kindAt(unit: number): number {
    return this.#kind[unit]!;
  }

  /** A Node Buffer over the whole slab, for UTF-8 encoding and decoding of string tensors. */
  get bytes(): Buffer {
    if (this.#bytes === undefined) this.#bytes = Buffer.from(this.buffer);
    return this.#bytes;
  }

  /**
   * Takes a free block of 2^order units, best fit, and stamps it with `gen` and `kind` (0-255).
   * @returns the block's first unit, or -1 when the slab has no free block that large.
   */
  allocate(order: number, gen: number, kind: number): number {
    if (order > this.maxOrder) return -1;
    const tree = this.#tree;
    const need = order + 1;
    lock(this.#header, H_LOCK);
    if (tree[1]! < need) {
      unlock(this.#header, H_LOCK);
      return -1;
    }
    let node = 1;
    for (let level = this.maxOrder; level > order; level--) {
      const left = node << 1;
      const l = tree[left]!;
      const r = tree[left + 1]!;
      // Best fit: descend into the child whose largest free block is the smaller one that fits,
      // keeping large free blocks whole for large requests.
      node = l >= need && (r < need || l <= r) ? left : left + 1;
    }
    tree[node] = 0;
    const unit = (node - (this.units >>> order)) << order;
    this.#order[unit] = order;
    this.#kind[unit] = kind;
    this.#gen[unit] = gen;
    this.#updateAncestors(node, order);
    this.#events[this.#eventIndex]!++;
    unlock(this.#header, H_LOCK);
    return unit;
  }

  /**
   * Frees the block starting at `unit` if it still carries `gen`.
   * @returns the block's order, or -1 when no live block with that gen starts there.
   */
  release(unit: number, gen: number): number {
    lock(this.#header, H_LOCK);
    if (this.#gen[unit] !== gen) {
      unlock(this.#header, H_LOCK);
      return -1;
    }
    const order = this.#order[unit]!;
    this.#gen[unit] = 0;
    const node = (this.units >>> order) + (unit >>> order);
    this.#tree[node] = order + 1;
    this.#updateAncestors(node, order);
    this.#events[this.#eventIndex + 1]!++;
    unlock(this.#header, H_LOCK);
    return order;
  }

  /** Recomputes the free-block summary of every ancestor of `node`, stopping once one is unchanged. */
  #updateAncestors(node: number, order: number): void {
    const tree = this.#tree;
    let level = order;
    while (node > 1) {
      node >>>= 1;
      level++;
      const l = tree[node << 1]!;
      const r = tree[(node << 1) + 1]!;
      // Two whole free children (value = their order + 1 = level) merge into one free block.
      const value = l === level && r === level ? level + 1 : Math.max(l, r);
      if (tree[node] === value) break;
      tree[node] = value;
    }
  }
}
