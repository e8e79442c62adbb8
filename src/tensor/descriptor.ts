import { DescriptorError } from '../errors.js';
import { type Slab, UNIT_BYTES } from './buddy.js';
import type { ControlBlock } from './control.js';
import { DTYPES, type DType, type DTypeInfo, isDType } from './dtype.js';
import { stringTableProblem } from './string-layout.js';

/**
 * A tensor as it crosses threads: where its bytes are in the arena and how to read them. A plain
 * object, so it survives structured clone. It is a claim, not a capability: every receiver checks
 * it against the allocator's bookkeeping in shared memory before touching a byte.
 */
export interface TensorDescriptor<D extends DType = DType> {
  /** Id of the slab holding the bytes. */
  readonly slab: number;
  /** Byte offset of the first byte in the slab's buffer (64-byte aligned). */
  readonly offset: number;
  /** Bytes of the tensor: elements × element size, or the string layout's size for strings. */
  readonly byteLength: number;
  /** Generation stamped on the block when it was allocated: tells this tensor from a later one. */
  readonly gen: number;
  readonly dtype: D;
  readonly dims: readonly number[];
}

/**
 * A descriptor this thread made: the arena's own, or one read off a doorbell. Frozen, its dims
 * too, and carrying a private brand that nothing else can carry (not a copy, not a proxy), so
 * that nothing can make it say something else after it was checked: {@link copyDescriptor} hands
 * it back as it is. Copying every descriptor at every check was one of the largest allocations of
 * an ask and of a plan's round on the caller's thread (docs/architecture.md). Structured clone
 * makes a plain object of it, which the receiving thread copies as any other.
 */
class OwnDescriptor<D extends DType> implements TensorDescriptor<D> {
  readonly #own = true;
  readonly slab: number;
  readonly offset: number;
  readonly byteLength: number;
  readonly gen: number;
  readonly dtype: D;
  readonly dims: readonly number[];

  constructor(
    slab: number,
    offset: number,
    byteLength: number,
    gen: number,
    dtype: D,
    dims: number[],
  ) {
    this.slab = slab;
    this.offset = offset;
    this.byteLength = byteLength;
    this.gen = gen;
    this.dtype = dtype;
    this.dims = Object.freeze(dims);
    Object.freeze(this);
  }

  static is(d: object): boolean {
    return #own in d;
  }
}

/** A descriptor of this thread's making (see OwnDescriptor); `dims` becomes its own, frozen. */
export function ownDescriptor<D extends DType>(
  slab: number,
  offset: number,
  byteLength: number,
  gen: number,
  dtype: D,
  dims: number[],
): TensorDescriptor<D> {
  return new OwnDescriptor(slab, offset, byteLength, gen, dtype, dims);
}

/**
 * Checks a descriptor against this thread's attached slabs and the live bookkeeping, and returns
 * the slab it names. Allocation-free unless it throws. Check a {@link copyDescriptor} copy, and use
 * that copy afterwards, never the caller's object.
 *
 * What is checked, in this order, each failure a DescriptorError naming it: the slab id is attached here; the offset is an integer, inside the slab's data region and
 * on a 64-byte boundary; a live block starts there and carries the descriptor's generation; the
 * byteLength fits that block; the dtype is the one the block was allocated for; the dims are non-negative integers whose element
 * count matches the byteLength (for strings: the string table stored in the block agrees with the
 * dims and the byteLength).
 *
 * Release checks the same, so a descriptor either works everywhere or nowhere. (A string tensor
 * whose table was overwritten can then not be released; only code that maps the raw slab buffers
 * can do that, since every view the arena hands out ends at its tensor.)
 *
 * A descriptor that passes can only reach bytes of its own live block. (A thread that releases the
 * block while another is still checking or reading it has a use-after-release race that no check
 * can close; even then the view stays inside the slab, within a block that once started there.)
 */
export function checkDescriptor(
  d: TensorDescriptor,
  slabs: readonly (Slab | undefined)[],
  control: ControlBlock,
): Slab {
  const { slab: id, offset, byteLength, gen, dtype, dims } = d;
  if (!Number.isInteger(id) || id < 0) {
    throw fail(d, `slab must be a non-negative integer, got ${show(id)}`);
  }
  const slab = slabs[id];
  if (slab === undefined) throw fail(d, missingSlab(id, control));
  if (!Number.isInteger(offset)) {
    throw fail(d, `offset must be an integer, got ${show(offset)}`);
  }
  if (offset < slab.dataStart || offset >= slab.dataEnd) {
    throw fail(
      d,
      `offset ${offset} is outside the data of slab ${id} (bytes ${slab.dataStart} to ${slab.dataEnd})`,
    );
  }
  const relative = offset - slab.dataStart;
  if ((relative & (UNIT_BYTES - 1)) !== 0) {
    throw fail(d, `offset ${offset} is not on a ${UNIT_BYTES}-byte block boundary`);
  }
  if (!Number.isInteger(gen) || gen <= 0) {
    throw fail(d, `gen must be a positive integer, got ${show(gen)}`);
  }
  const unit = relative / UNIT_BYTES;
  const live = slab.genAt(unit);
  if (live !== gen) throw fail(d, staleness(live, gen));
  // `1 << order`, not `2 ** order`: V8 compiles `**` to a slow pow() call (orders are at most 30).
  const blockBytes = UNIT_BYTES * (1 << slab.orderAt(unit));
  if (!Number.isInteger(byteLength) || byteLength < 0 || byteLength > blockBytes) {
    throw fail(
      d,
      `byteLength must be an integer from 0 to the block size ${blockBytes}, got ${show(byteLength)}`,
    );
  }
  // The block records what it was allocated for: one array index instead of a lookup by name.
  const info = byKind[slab.kindAt(unit)];
  if (info === undefined || dtype !== info.name) {
    if (!isDType(dtype)) throw fail(d, `dtype ${show(dtype)} is not a known dtype`);
    throw fail(d, `dtype is ${dtype}, the block holds ${info?.name ?? 'raw bytes'}`);
  }
  if (!Array.isArray(dims)) throw fail(d, `dims must be an array, got ${show(dims)}`);
  let count = 1;
  for (let i = 0; i < dims.length; i++) {
    const dim: unknown = dims[i];
    if (!Number.isInteger(dim) || (dim as number) < 0) {
      throw fail(d, `dims[${i}] must be a non-negative integer, got ${show(dim)}`);
    }
    count *= dim as number;
  }
  if (info.bytesPerElement === 0) {
    const problem = stringTableProblem(slab, offset, byteLength, count);
    if (problem !== undefined) throw fail(d, problem);
  } else if (count * info.bytesPerElement !== byteLength) {
    throw fail(
      d,
      `dims [${dims.join(', ')}] of ${dtype} take ${count * info.bytesPerElement} bytes, ` +
        `byteLength is ${byteLength}`,
    );
  }
  return slab;
}

/**
 * A plain copy of a descriptor's fields, each read once (dims element by element): what is
 * checked and then used. A descriptor with getters, or one another piece of code changes between
 * the check and the use, cannot point the use at bytes the check did not see.
 * @throws DescriptorError when `d` is not an object, or reading it throws.
 */
export function copyDescriptor(d: unknown): TensorDescriptor {
  if (typeof d !== 'object' || d === null) {
    throw new DescriptorError(
      `tensor descriptor: expected an object, got ${d === null ? 'null' : typeof d}`,
    );
  }
  // One of this thread's own cannot change: it is its own copy.
  if (OwnDescriptor.is(d)) return d as TensorDescriptor;
  try {
    const { slab, offset, byteLength, gen, dtype, dims } = d as TensorDescriptor;
    let copied: unknown = dims;
    if (Array.isArray(dims)) {
      const length = dims.length;
      const list = new Array<number>(length);
      for (let i = 0; i < length; i++) list[i] = dims[i]!;
      copied = list;
    }
    return { slab, offset, byteLength, gen, dtype, dims: copied as number[] };
  } catch (error) {
    // A getter or a proxy that throws: the descriptor is not one the arena handed out.
    throw new DescriptorError(
      `tensor descriptor: could not be read: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** Element count of checked dims. */
export function elementCount(dims: readonly number[]): number {
  let count = 1;
  for (let i = 0; i < dims.length; i++) count *= dims[i]!;
  return count;
}

/** Dtype info by the ONNX data type number that blocks record as their kind. */
const byKind: (DTypeInfo | undefined)[] = [];
for (const info of Object.values(DTYPES)) byKind[info.onnx] = info;

function staleness(live: number, gen: number): string {
  return live === 0
    ? `no live block starts here: the tensor was released, or the offset is not the start of a block`
    : `the block now has generation ${live}, the descriptor ${gen}: the tensor was released and ` +
        `its block reused, or the descriptor is forged`;
}

function missingSlab(id: number, control: ControlBlock): string {
  if (control.slabUnitsOf(id) > 0) {
    return (
      `slab ${id} exists but is not attached on this thread yet ` +
      `(attachSlab it when its announcement arrives)`
    );
  }
  return `no slab ${id} in the arena (it has ${control.slabCount} slabs)`;
}

function fail(d: object, what: string): DescriptorError {
  const { slab, offset, gen } = d as Partial<Record<string, unknown>>;
  return new DescriptorError(
    `tensor descriptor {slab ${show(slab)}, offset ${show(offset)}, gen ${show(gen)}}: ${what}`,
  );
}

function show(x: unknown): string {
  if (typeof x === 'string') return JSON.stringify(x);
  if (typeof x === 'bigint') return `${x}n`;
  if (Array.isArray(x)) return `[${x.map(show).join(', ')}]`;
  if (typeof x === 'object' && x !== null) return 'an object';
  if (typeof x === 'symbol') return x.toString();
  return String(x);
}
