import { UNIT_BYTES } from './buddy.js';

/**
 * The arena's control block: one small SharedArrayBuffer that every thread maps, holding the
 * arena's options, the slab id counter, the generation counter and the statistics. Keeping the
 * statistics here (not per thread) makes them arena-wide: a block allocated on one thread and
 * released on another balances out.
 *
 * Layout (sizes in 64-byte units, so that 32 bits reach 256 GiB):
 *   Uint32 words
 *     0 magic            4 max slabs            8 high-water units
 *     1 layout version   5 next slab id         9 generation counter
 *     2 slab units       6 reserved units      10 slabs created
 *     3 max units        7 units in use
 *     64 + id            units of slab `id`, 0 until it exists (lets a thread tell "not attached
 *                        here yet" from "no such slab")
 *   Float64 events, after the words: [2 id] allocations and [2 id + 1] releases in slab `id`,
 *     written by the slab under its lock (see buddy.ts), exact to 2^53, summed when read.
 * Units in use and the high-water mark are arena-wide atomics: the high-water mark has to see the
 * sum of all slabs at one instant.
 */

const MAGIC = 0x41524e41; // 'ARNA'
const VERSION = 1;
const W_MAGIC = 0;
const W_VERSION = 1;
const W_SLAB_UNITS = 2;
const W_MAX_UNITS = 3;
const W_MAX_SLABS = 4;
const W_NEXT_SLAB = 5;
const W_RESERVED = 6;
const W_IN_USE = 7;
const W_HIGH_WATER = 8;
const W_GEN = 9;
const W_SLAB_COUNT = 10;
const W_SLAB_TABLE = 64;

/** Byte offset of the events table: after the words, 8-byte aligned. */
function eventsOffset(maxSlabs: number): number {
  return Math.ceil(((W_SLAB_TABLE + maxSlabs) * 4) / 8) * 8;
}

function controlBytes(maxSlabs: number): number {
  return eventsOffset(maxSlabs) + 2 * maxSlabs * 8;
}

/** Why a slab could not be added. */
export type GrowRefusal = 'limit' | 'slab-table';

export class ControlBlock {
  readonly buffer: SharedArrayBuffer;
  readonly slabUnits: number;
  readonly maxUnits: number;
  readonly maxSlabs: number;
  /** Allocation and release counts per slab; handed to each Slab to update under its lock. */
  readonly events: Float64Array<SharedArrayBuffer>;
  readonly #w: Uint32Array<SharedArrayBuffer>;

  private constructor(buffer: SharedArrayBuffer) {
    this.buffer = buffer;
    const maxSlabs = new Uint32Array(buffer, 0, W_SLAB_TABLE)[W_MAX_SLABS]!;
    this.#w = new Uint32Array(buffer, 0, W_SLAB_TABLE + maxSlabs);
    this.slabUnits = this.#w[W_SLAB_UNITS]!;
    this.maxUnits = this.#w[W_MAX_UNITS]!;
    this.maxSlabs = maxSlabs;
    this.events = new Float64Array(buffer, eventsOffset(this.maxSlabs), 2 * this.maxSlabs);
  }

  static create(slabUnits: number, maxUnits: number, maxSlabs: number): ControlBlock {
    const buffer = new SharedArrayBuffer(controlBytes(maxSlabs));
    const w = new Uint32Array(buffer, 0, W_SLAB_TABLE);
    w[W_VERSION] = VERSION;
    w[W_SLAB_UNITS] = slabUnits;
    w[W_MAX_UNITS] = maxUnits;
    w[W_MAX_SLABS] = maxSlabs;
    Atomics.store(w, W_MAGIC, MAGIC);
    return new ControlBlock(buffer);
  }

  /** @throws TypeError when the buffer is not an arena's control block. */
  static open(buffer: unknown): ControlBlock {
    if (!(buffer instanceof SharedArrayBuffer) || buffer.byteLength < W_SLAB_TABLE * 4) {
      throw new TypeError(
        'arena handle: expected `control` to be the SharedArrayBuffer of an arena',
      );
    }
    const w = new Uint32Array(buffer, 0, W_SLAB_TABLE);
    if (Atomics.load(w, W_MAGIC) !== MAGIC || w[W_VERSION] !== VERSION) {
      throw new TypeError('arena handle: `control` is not an arena control block of this version');
    }
    if (buffer.byteLength !== controlBytes(w[W_MAX_SLABS]!)) {
      throw new TypeError('arena handle: `control` has the wrong size for its slab table');
    }
    return new ControlBlock(buffer);
  }

  /** A fresh generation, never 0 (0 marks "no live block"); wraps after 2^32 - 1 allocations. */
  nextGen(): number {
    let gen = (Atomics.add(this.#w, W_GEN, 1) + 1) >>> 0;
    while (gen === 0) gen = (Atomics.add(this.#w, W_GEN, 1) + 1) >>> 0;
    return gen;
  }

  /**
   * Reserves `units` of capacity and a slab id for a new slab.
   * @returns the id, or the reason it was refused (nothing is reserved then).
   */
  reserveSlab(units: number): number | GrowRefusal {
    const w = this.#w;
    let reserved = Atomics.load(w, W_RESERVED);
    for (;;) {
      if (reserved + units > this.maxUnits) return 'limit';
      const seen = Atomics.compareExchange(w, W_RESERVED, reserved, reserved + units);
      if (seen === reserved) break;
      reserved = seen;
    }
    let id = Atomics.load(w, W_NEXT_SLAB);
    for (;;) {
      if (id >= this.maxSlabs) {
        Atomics.sub(w, W_RESERVED, units);
        return 'slab-table';
      }
      const seen = Atomics.compareExchange(w, W_NEXT_SLAB, id, id + 1);
      if (seen === id) return id;
      id = seen;
    }
  }

  /** Gives back a reservation whose slab could not be made. */
  cancelSlab(units: number): void {
    Atomics.sub(this.#w, W_RESERVED, units);
  }

  /** Records that slab `id` of `units` now exists. */
  publishSlab(id: number, units: number): void {
    Atomics.store(this.#w, W_SLAB_TABLE + id, units);
    Atomics.add(this.#w, W_SLAB_COUNT, 1);
  }

  /** Units of slab `id` if it has been created by any thread, else 0. */
  slabUnitsOf(id: number): number {
    return id < this.maxSlabs ? Atomics.load(this.#w, W_SLAB_TABLE + id) : 0;
  }

  /** Adds a block of `units` to the units in use (the slab has counted the event itself). */
  countAllocation(units: number): void {
    const w = this.#w;
    const inUse = Atomics.add(w, W_IN_USE, units) + units;
    let high = Atomics.load(w, W_HIGH_WATER);
    while (inUse > high) {
      const seen = Atomics.compareExchange(w, W_HIGH_WATER, high, inUse);
      if (seen === high) break;
      high = seen;
    }
  }

  countRelease(units: number): void {
    Atomics.sub(this.#w, W_IN_USE, units);
  }

  /** Sets the high-water mark to what is in use now, to measure a new phase. */
  resetHighWater(): void {
    Atomics.store(this.#w, W_HIGH_WATER, Atomics.load(this.#w, W_IN_USE));
  }

  get bytesInUse(): number {
    return Atomics.load(this.#w, W_IN_USE) * UNIT_BYTES;
  }
  get highWaterBytes(): number {
    return Atomics.load(this.#w, W_HIGH_WATER) * UNIT_BYTES;
  }
  get bytesReserved(): number {
    return Atomics.load(this.#w, W_RESERVED) * UNIT_BYTES;
  }
  get allocations(): number {
    return this.#sumEvents(0);
  }
  get releases(): number {
    return this.#sumEvents(1);
  }
  get slabCount(): number {
    return Atomics.load(this.#w, W_SLAB_COUNT);
  }

  #sumEvents(which: 0 | 1): number {
    const slabs = Math.min(Atomics.load(this.#w, W_NEXT_SLAB), this.maxSlabs);
    let sum = 0;
    for (let id = 0; id < slabs; id++) sum += this.events[2 * id + which]!;
    return sum;
  }
}
