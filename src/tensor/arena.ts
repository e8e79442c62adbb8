import { ArenaClosedError, ArenaFullError, ArgumentError, DescriptorError } from '../errors.js';
import {
  arenaOptions,
  argumentError,
  atTheDoor,
  countOfShape,
  dimsOf,
  dtypeOf,
  numericDTypeOf,
  refuse,
  stringsOf,
} from './arena-arguments.js';
import { MAX_SLAB_ORDER, orderFor, Slab, UNIT_BYTES } from './buddy.js';
import { ControlBlock, type GrowRefusal } from './control.js';
import {
  checkDescriptor,
  copyDescriptor,
  ownDescriptor,
  type TensorDescriptor,
} from './descriptor.js';
import {
  DTYPES,
  type DType,
  type DTypeArray,
  type NumericArray,
  type NumericDType,
} from './dtype.js';
import type { HostTensor } from './host-tensor.js';
import { stringTensorBytes } from './string-layout.js';
import { assertData, copyElements, readElements, sharedView, writeElements } from './tensor-io.js';

export interface ArenaOptions {
  /**
   * Bytes of tensor data per slab, a power of two from 4 KiB to 1 GiB. Default 16 MiB. A tensor
   * larger than this gets a slab of its own, its size rounded up to a power of two.
   */
  readonly slabSize?: number;
  /**
   * Most bytes of tensor data the arena may reserve in slabs, all threads together (the
   * allocator's bookkeeping, 12.5% more, is not counted). At least `slabSize`. Default 1 GiB.
   */
  readonly maxBytes?: number;
  /** Most slabs the arena can ever have, 1 to 65536. Default 1024. */
  readonly maxSlabs?: number;
}

/** A slab as it is announced to other threads. */
export interface SlabEntry {
  readonly id: number;
  readonly buffer: SharedArrayBuffer;
}

/** What a worker needs to map the arena: structured-clonable, post it once per thread. */
export interface ArenaHandle {
  readonly control: SharedArrayBuffer;
  readonly slabs: readonly SlabEntry[];
}

/** Arena-wide figures (all threads), plus what this thread has attached. */
export interface ArenaStats {
  /** Bytes in live blocks (each block is a power of two of at least 64 bytes). */
  readonly bytesInUse: number;
  /** Most bytes ever in use at once, since creation or the last resetHighWater(). */
  readonly highWaterBytes: number;
  /** Bytes of tensor data in all slabs created so far. */
  readonly bytesReserved: number;
  readonly maxBytes: number;
  readonly slabCount: number;
  /** Slabs this thread has attached; below slabCount while announcements are in flight. */
  readonly attachedSlabs: number;
  readonly liveAllocations: number;
  readonly allocations: number;
  readonly releases: number;
}

/** Called on the thread that made a new slab, so the runtime can announce it to the others. */
export type SlabListener = (slab: SlabEntry) => void;

/** A tensor freshly allocated in the arena, with a view to write its elements through. */
export interface AllocatedTensor<D extends NumericDType> {
  readonly descriptor: TensorDescriptor<D>;
  readonly data: DTypeArray<D, SharedArrayBuffer>;
}

const MiB = 1024 * 1024;
const DEFAULT_SLAB_SIZE = 16 * MiB;
const DEFAULT_MAX_BYTES = 1024 * MiB;
const DEFAULT_MAX_SLABS = 1024;
const MIN_SLAB_SIZE = 4096;
const MAX_SLAB_SIZE = 1024 * MiB;
const MAX_MAX_BYTES = 0xffffffff * UNIT_BYTES;
const MAX_MAX_SLABS = 65536;

/**
 * Tensors in shared memory, one arena for all threads. Each thread holds its own `Arena` object
 * over the same control block and slabs: `Arena.create` on the main thread, `Arena.attach` in each
 * worker with the handle the main thread posted. Any thread can allocate and release; blocks
 * travel between threads as {@link TensorDescriptor}s, checked on every use.
 *
 * When a thread finds no room it adds a slab and tells its `onSlabCreated` listeners, whose job is
 * to get the buffer to every other thread's `attachSlab`. Until a thread has attached a slab, a
 * descriptor naming it is a DescriptorError there.
 */
export class Arena {
  readonly #control: ControlBlock;
  /** Attached slabs by id: this thread's map of the arena. */
  readonly #slabs: (Slab | undefined)[];
  /** Attached slabs of the standard size, searched for tensors up to that size. */
  readonly #standard: Slab[] = [];
  /** Attached larger slabs (made for one big tensor), searched only for big tensors. */
  readonly #large: Slab[] = [];
  readonly #standardOrder: number;
  readonly #listeners = new Set<SlabListener>();
  /** Index in #standard of the slab that last had room: where the next search starts. */
  #cursor = 0;
  #closed = false;

  private constructor(control: ControlBlock) {
    this.#control = control;
    this.#slabs = new Array(control.maxSlabs).fill(undefined);
    this.#standardOrder = 31 - Math.clz32(control.slabUnits);
  }

  /**
   * A new arena with its first slab.
   * @throws ArgumentError for an option out of range, naming it (`options.slabSize`).
   */
  static create(options: ArenaOptions = {}): Arena {
    const given = arenaOptions(options);
    const slabSize = given.slabSize ?? DEFAULT_SLAB_SIZE;
    const maxBytes = given.maxBytes ?? DEFAULT_MAX_BYTES;
    const maxSlabs = given.maxSlabs ?? DEFAULT_MAX_SLABS;
    if (
      !Number.isInteger(slabSize) ||
      slabSize < MIN_SLAB_SIZE ||
      slabSize > MAX_SLAB_SIZE ||
      (slabSize & (slabSize - 1)) !== 0
    ) {
      throw new ArgumentError(
        `arena slabSize must be a power of two from ${MIN_SLAB_SIZE} to ${MAX_SLAB_SIZE}, got ${slabSize}`,
        'options.slabSize',
      );
    }
    if (!Number.isInteger(maxBytes) || maxBytes < slabSize || maxBytes > MAX_MAX_BYTES) {
      throw new ArgumentError(
        `arena maxBytes must be an integer from slabSize (${slabSize}) to ${MAX_MAX_BYTES}, got ${maxBytes}`,
        'options.maxBytes',
      );
    }
    if (!Number.isInteger(maxSlabs) || maxSlabs < 1 || maxSlabs > MAX_MAX_SLABS) {
      throw new ArgumentError(
        `arena maxSlabs must be an integer from 1 to ${MAX_MAX_SLABS}, got ${maxSlabs}`,
        'options.maxSlabs',
      );
    }
    const slabUnits = slabSize / UNIT_BYTES;
    const control = ControlBlock.create(slabUnits, Math.floor(maxBytes / UNIT_BYTES), maxSlabs);
    const arena = new Arena(control);
    const id = control.reserveSlab(slabUnits) as number;
    arena.#adopt(Slab.create(id, slabUnits, control.events), true);
    return arena;
  }

  /**
   * This thread's view of an arena created elsewhere.
   * @throws ArgumentError when the handle is not an arena handle, naming the field.
   */
  static attach(handle: ArenaHandle): Arena {
    const where = 'Arena.attach';
    if (typeof handle !== 'object' || handle === null)
      refuse(where, 'handle', 'an ArenaHandle ({ control, slabs })', handle);
    const control = atTheDoor(where, 'handle.control', () => handle.control);
    const slabs = atTheDoor(where, 'handle.slabs', () => handle.slabs);
    if (!Array.isArray(slabs)) refuse(where, 'handle.slabs', 'an array of slab entries', slabs);
    const entries = atTheDoor(where, 'handle.slabs', () =>
      slabs.map((entry: unknown, i) => {
        if (typeof entry !== 'object' || entry === null)
          refuse(where, `handle.slabs[${i}]`, 'a slab entry ({ id, buffer })', entry);
        const { id, buffer } = entry as SlabEntry;
        return { id, buffer };
      }),
    );
    const arena = new Arena(atTheDoor(where, 'handle.control', () => ControlBlock.open(control)));
    for (const { id, buffer } of entries) arena.attachSlab(id, buffer);
    return arena;
  }

  /** What another thread needs to map this arena: the control block and every slab attached here. */
  handle(): ArenaHandle {
    this.#assertOpen();
    const slabs: SlabEntry[] = [];
    for (const slab of this.#slabs) {
      if (slab !== undefined) slabs.push({ id: slab.id, buffer: slab.buffer });
    }
    return { control: this.#control.buffer, slabs };
  }

  /**
   * Maps a slab another thread created. Attaching a slab already attached is a no-op, so an
   * announcement may arrive more than once.
   * @throws ArgumentError for an id beyond maxSlabs (`id`) or a buffer that is not that slab (`buffer`).
   */
  attachSlab(id: number, buffer: SharedArrayBuffer): void {
    this.#assertOpen();
    if (!Number.isInteger(id) || id < 0 || id >= this.#control.maxSlabs) {
      throw new ArgumentError(
        `attachSlab: slab id must be an integer from 0 to ${this.#control.maxSlabs - 1}, got ${typeof id === 'number' ? id : typeof id}`,
        'id',
      );
    }
    const slab = atTheDoor('attachSlab', 'buffer', () =>
      Slab.open(id, buffer, this.#control.events),
    );
    if (this.#slabs[id] === undefined) this.#adopt(slab, false);
  }

  /** True when slab `id` is attached on this thread. */
  hasSlab(id: number): boolean {
    return this.#slabs[id] !== undefined;
  }

  /**
   * Calls `listener` whenever this thread adds a slab. The listener must deliver the slab to the
   * other threads; if it throws, the allocation that needed the slab fails with its error.
   * @returns a function that removes the listener.
   */
  onSlabCreated(listener: SlabListener): () => void {
    if (typeof listener !== 'function') refuse('onSlabCreated', 'listener', 'a function', listener);
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /**
   * Raw bytes: a block of at least `byteLength` bytes, as a uint8 tensor of dims [byteLength].
   * @throws ArgumentError for a size that is not a non-negative safe integer, ArenaFullError when
   *   the arena cannot grow to hold it.
   */
  allocate(byteLength: number): TensorDescriptor<'uint8'> {
    if (!Number.isSafeInteger(byteLength) || byteLength < 0)
      refuse('allocate', 'byteLength', 'a non-negative integer', byteLength);
    return this.#allocate(byteLength, 'uint8', [byteLength]);
  }

  /**
   * A tensor of `dtype` and `dims`, uninitialised (whatever its block held before), with a view to
   * fill it.
   * @throws ArgumentError for string (use writeTensor) or an unknown dtype (`dtype`), for bad dims
   *   (`dims`); ArenaFullError.
   */
  allocTensor<D extends NumericDType>(dtype: D, dims: readonly number[]): AllocatedTensor<D> {
    const where = 'allocTensor';
    numericDTypeOf(where, dtype);
    const shape = dimsOf(where, dims);
    const count = countOfShape(where, shape);
    const descriptor = this.#allocate(count * DTYPES[dtype].bytesPerElement, dtype, shape);
    const slab = this.#slabs[descriptor.slab]!;
    return { descriptor, data: sharedView(slab, descriptor) };
  }

  /**
   * A new tensor holding a copy of `data`.
   * @throws ArgumentError for an unknown dtype (`dtype`), bad dims (`dims`), data that is not the
   *   dtype's array type or not of the element count of dims (`data`); FeedError for a string with
   *   a lone surrogate; ArenaFullError.
   */
  writeTensor<D extends DType>(
    dtype: D,
    dims: readonly number[],
    data: DTypeArray<D> | readonly string[],
  ): TensorDescriptor<D> {
    const where = 'writeTensor';
    dtypeOf(where, dtype);
    const shape = dimsOf(where, dims);
    const count = countOfShape(where, shape);
    // String data is read once into a copy: what is measured is what is written.
    const elements = dtype === 'string' ? stringsOf(where, data) : data;
    try {
      assertData(dtype, elements, count, where);
    } catch (error) {
      throw argumentError(where, 'data', error);
    }
    const byteLength =
      dtype === 'string'
        ? stringTensorBytes(elements as readonly string[])
        : count * DTYPES[dtype as NumericDType].bytesPerElement;
    const descriptor = this.#allocate(byteLength, dtype, shape);
    writeElements(
      this.#slabs[descriptor.slab]!,
      descriptor.offset,
      dtype,
      elements as NumericArray | readonly string[],
    );
    return descriptor;
  }

  /**
   * A typed array over the tensor's shared bytes (no copy). onnxruntime-node refuses such arrays:
   * hand it readTensor's or copyInto's private copy instead.
   * @throws DescriptorError for a stale or forged descriptor, ArgumentError for a string tensor.
   */
  view<D extends DType>(
    d: TensorDescriptor<D>,
  ): DTypeArray<Exclude<D, 'string'>, SharedArrayBuffer> {
    const { slab, d: checked } = this.#check(d);
    if (checked.dtype === 'string')
      refuse(
        'view',
        'descriptor',
        'a numeric tensor (strings have no typed view: readTensor)',
        'string',
      );
    return sharedView(slab, checked as TensorDescriptor<Exclude<D, 'string'>>);
  }

  /**
   * A private copy of the tensor, in memory onnxruntime-node accepts.
   * @throws DescriptorError for a stale or forged descriptor, or a corrupt string table.
   */
  readTensor<D extends DType>(d: TensorDescriptor<D>): HostTensor<D, ArrayBuffer> {
    const { slab, d: checked } = this.#check(d);
    return readElements(slab, checked);
  }

  /**
   * A private copy of the tensor, and its block given back: readTensor then release on one check
   * of the descriptor. The block is released even if its contents cannot be read.
   * @throws DescriptorError for a stale or forged descriptor (nothing is released then), or a
   *   corrupt string table.
   */
  readAndRelease<D extends DType>(d: TensorDescriptor<D>): HostTensor<D, ArrayBuffer> {
    const { slab, d: checked } = this.#check(d);
    try {
      return readElements(slab, checked);
    } finally {
      this.#releaseChecked(slab, checked);
    }
  }

  /**
   * Copies the tensor into a caller-owned array (for instance a reused staging buffer), which must
   * be of the dtype's array type (a string[] for strings) and hold exactly its elements.
   * @throws DescriptorError, ArgumentError (`target`) for the wrong kind of target or length.
   */
  copyInto<D extends DType, T extends DTypeArray<D>>(d: TensorDescriptor<D>, target: T): T {
    const { slab, d: checked } = this.#check(d);
    try {
      return copyElements(slab, checked, target);
    } catch (error) {
      throw argumentError('copyInto', 'target', error);
    }
  }

  /**
   * Checks a descriptor received from another thread without reading it, and returns the plain
   * copy that was checked: pass that on, not `d`, whose fields may change after the check.
   * @throws DescriptorError saying what is wrong.
   */
  check<D extends DType>(d: TensorDescriptor<D>): TensorDescriptor<D> {
    return this.#check(d).d;
  }

  /**
   * Gives the tensor's block back. Any thread may release any tensor, once.
   * @throws DescriptorError for a stale (already released) or forged descriptor.
   */
  release(d: TensorDescriptor): void {
    const { slab, d: checked } = this.#check(d);
    this.#releaseChecked(slab, checked);
  }

  #releaseChecked(slab: Slab, checked: TensorDescriptor): void {
    const unit = (checked.offset - slab.dataStart) / UNIT_BYTES;
    const order = slab.release(unit, checked.gen);
    if (order < 0) {
      throw new DescriptorError(
        `tensor descriptor {slab ${checked.slab}, offset ${checked.offset}, gen ${checked.gen}}: released by ` +
          `another thread while this one was releasing it`,
      );
    }
    this.#control.countRelease(1 << order);
  }

  stats(): ArenaStats {
    const c = this.#control;
    const allocations = c.allocations;
    const releases = c.releases;
    return {
      bytesInUse: c.bytesInUse,
      highWaterBytes: c.highWaterBytes,
      bytesReserved: c.bytesReserved,
      maxBytes: c.maxUnits * UNIT_BYTES,
      slabCount: c.slabCount,
      attachedSlabs: this.#standard.length + this.#large.length,
      liveAllocations: allocations - releases,
      allocations,
      releases,
    };
  }

  /** Starts a new high-water measurement from what is in use now (arena-wide). */
  resetHighWater(): void {
    this.#control.resetHighWater();
  }

  get slabSize(): number {
    return this.#control.slabUnits * UNIT_BYTES;
  }

  get maxBytes(): number {
    return this.#control.maxUnits * UNIT_BYTES;
  }

  /**
   * Drops this thread's map of the arena. Blocks stay allocated for the other threads; the memory
   * goes when no thread holds the buffers any more.
   */
  close(): void {
    this.#closed = true;
    this.#listeners.clear();
    this.#slabs.fill(undefined);
    this.#standard.length = 0;
    this.#large.length = 0;
  }

  /** The slab of a checked copy of `d`, and that copy: use it, never `d` again. */
  #check<D extends DType>(d: TensorDescriptor<D>): { slab: Slab; d: TensorDescriptor<D> } {
    this.#assertOpen();
    const copy = copyDescriptor(d) as TensorDescriptor<D>;
    return { slab: checkDescriptor(copy, this.#slabs, this.#control), d: copy };
  }

  #allocate<D extends DType>(byteLength: number, dtype: D, dims: number[]): TensorDescriptor<D> {
    this.#assertOpen();
    const order = orderFor(byteLength);
    const gen = this.#control.nextGen();
    const kind = DTYPES[dtype].onnx;
    const standard = order <= this.#standardOrder;
    const pool = standard ? this.#standard : this.#large;
    const n = pool.length;
    let i = standard && this.#cursor < n ? this.#cursor : 0;
    for (let tries = 0; tries < n; tries++) {
      const slab = pool[i]!;
      if (slab.largestFreeOrder() >= order) {
        const unit = slab.allocate(order, gen, kind);
        if (unit >= 0) {
          if (standard) this.#cursor = i;
          return this.#issue(slab, unit, order, gen, byteLength, dtype, dims);
        }
      }
      if (++i === n) i = 0;
    }
    return this.#allocateInNewSlab(order, gen, byteLength, dtype, dims);
  }

  #allocateInNewSlab<D extends DType>(
    order: number,
    gen: number,
    byteLength: number,
    dtype: D,
    dims: number[],
  ): TensorDescriptor<D> {
    const control = this.#control;
    if (order > MAX_SLAB_ORDER) throw this.#full(byteLength, order, 'limit');
    const units = Math.max(control.slabUnits, 2 ** order);
    const id = control.reserveSlab(units);
    if (typeof id !== 'number') throw this.#full(byteLength, order, id);
    let slab: Slab;
    try {
      slab = Slab.create(id, units, control.events);
    } catch (cause) {
      control.cancelSlab(units);
      throw new ArenaFullError(
        `arena could not create a slab of ${units * UNIT_BYTES} bytes for ${byteLength} bytes: ${String(cause)}`,
        { cause },
      );
    }
    const unit = slab.allocate(order, gen, DTYPES[dtype].onnx);
    this.#adopt(slab, true);
    if (order <= this.#standardOrder) this.#cursor = this.#standard.length - 1;
    const descriptor = this.#issue(slab, unit, order, gen, byteLength, dtype, dims);
    const entry: SlabEntry = { id, buffer: slab.buffer };
    try {
      for (const listener of this.#listeners) listener(entry);
    } catch (error) {
      this.release(descriptor);
      throw error;
    }
    return descriptor;
  }

  #issue<D extends DType>(
    slab: Slab,
    unit: number,
    order: number,
    gen: number,
    byteLength: number,
    dtype: D,
    dims: number[],
  ): TensorDescriptor<D> {
    this.#control.countAllocation(1 << order);
    return ownDescriptor(slab.id, slab.dataStart + unit * UNIT_BYTES, byteLength, gen, dtype, dims);
  }

  /** Records a slab in this thread's map; `created` also publishes it in the control block. */
  #adopt(slab: Slab, created: boolean): void {
    if (created) this.#control.publishSlab(slab.id, slab.units);
    this.#slabs[slab.id] = slab;
    if (slab.units === this.#control.slabUnits) this.#standard.push(slab);
    else this.#large.push(slab);
  }

  #full(byteLength: number, order: number, why: GrowRefusal): ArenaFullError {
    const c = this.#control;
    const block = UNIT_BYTES * 2 ** order;
    const reason =
      why === 'slab-table'
        ? `the slab table is full (${c.maxSlabs} slabs)`
        : `${c.bytesReserved} of maxBytes ${c.maxUnits * UNIT_BYTES} bytes are reserved in ` +
          `${c.slabCount} slabs`;
    return new ArenaFullError(
      `arena is full: cannot allocate ${byteLength} bytes (a ${block}-byte block); ` +
        `${c.bytesInUse} bytes in use, ${reason}`,
    );
  }

  #assertOpen(): void {
    if (this.#closed) throw new ArenaClosedError('arena is closed on this thread');
  }
}
