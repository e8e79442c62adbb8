import { DescriptorError, FeedError } from '../errors.js';
import type { Slab } from './buddy.js';
import { elementCount, type TensorDescriptor } from './descriptor.js';
import {
  DTYPES,
  type DType,
  type DTypeArray,
  isDType,
  type NumericArray,
  type NumericDType,
} from './dtype.js';
import type { HostTensor } from './host-tensor.js';
import { decodeStrings, encodeStrings } from './string-layout.js';

/**
 * Moving tensor elements between the arena and private memory. Everything here works on a slab
 * and a descriptor that the caller has already checked.
 */

/**
 * Element count of caller-given dims.
 * @throws TypeError if dims is not an array, RangeError if an entry is not a non-negative safe
 *   integer or the count is not a safe integer.
 */
export function countOf(dims: unknown, what: string): number {
  if (!Array.isArray(dims))
    throw new TypeError(`${what}: dims must be an array, got ${typeof dims}`);
  let count = 1;
  for (let i = 0; i < dims.length; i++) {
    const dim: unknown = dims[i];
    if (!Number.isSafeInteger(dim) || (dim as number) < 0) {
      throw new RangeError(
        `${what}: dims[${i}] must be a non-negative integer, got ${String(dim)}`,
      );
    }
    count *= dim as number;
  }
  if (!Number.isSafeInteger(count)) {
    throw new RangeError(`${what}: dims [${dims.join(', ')}] hold too many elements (${count})`);
  }
  return count;
}

/** @throws TypeError unless `dtype` is a dtype with fixed-size elements. */
export function assertNumericDType(dtype: unknown, what: string): asserts dtype is NumericDType {
  if (dtype === 'string') {
    throw new TypeError(`${what}: string tensors have no typed view; use writeTensor/readTensor`);
  }
  if (!isDType(dtype)) throw new TypeError(`${what}: ${String(dtype)} is not a dtype`);
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * @throws TypeError unless `data` is the array type of `dtype`, FeedError for a string with a
 *   lone surrogate, RangeError unless it holds `count` elements.
 */
export function assertData(dtype: DType, data: unknown, count: number, what: string): void {
  if (dtype === 'string') {
    if (!Array.isArray(data) || !data.every((s) => typeof s === 'string')) {
      throw new TypeError(`${what}: string data must be an array of strings`);
    }
    // UTF-8 cannot carry a lone surrogate: it would be replaced by U+FFFD, silently.
    for (let i = 0; i < data.length; i++) {
      const element: unknown = data[i];
      const at = typeof element === 'string' ? element.search(LONE_SURROGATE) : -1;
      if (at >= 0) {
        throw new FeedError(
          `${what}: string element ${i} has a lone surrogate at index ${at}; it cannot be carried as UTF-8`,
        );
      }
    }
  } else {
    const ArrayType = DTYPES[dtype]?.ArrayType;
    if (ArrayType === undefined) throw new TypeError(`${what}: ${String(dtype)} is not a dtype`);
    // A proxy passes instanceof but is no view: its length and elements would be its own code's.
    if (!(ArrayBuffer.isView(data) && data instanceof ArrayType)) {
      throw new TypeError(
        `${what}: ${dtype} data must be a ${ArrayType.name}, got ${describe(data)}`,
      );
    }
    if (typedLength(data) !== count) {
      throw new RangeError(`${what}: dims hold ${count} elements, data has ${typedLength(data)}`);
    }
    return;
  }
  const length = (data as ArrayLike<unknown>).length;
  if (length !== count) {
    throw new RangeError(`${what}: dims hold ${count} elements, data has ${length}`);
  }
}

const typedArrayLength = Object.getOwnPropertyDescriptor(
  Object.getPrototypeOf(Uint8Array.prototype),
  'length',
)!.get!;

/** A typed array's own element count, whatever a `length` property defined on it says. */
export function typedLength(data: ArrayBufferView): number {
  return typedArrayLength.call(data) as number;
}

/** A typed array over the tensor's bytes in the slab: writes go straight to shared memory. */
export function sharedView<D extends NumericDType>(
  slab: Slab,
  d: TensorDescriptor<D>,
): DTypeArray<D, SharedArrayBuffer> {
  const { ArrayType, bytesPerElement } = DTYPES[d.dtype as NumericDType];
  return new ArrayType(slab.buffer, d.offset, d.byteLength / bytesPerElement) as DTypeArray<
    D,
    SharedArrayBuffer
  >;
}

/** Copies `data` into the block at `offset` (sized for it). */
export function writeElements(
  slab: Slab,
  offset: number,
  dtype: DType,
  data: NumericArray | readonly string[],
): void {
  if (dtype === 'string') {
    encodeStrings(slab, offset, data as readonly string[]);
    return;
  }
  const { ArrayType } = DTYPES[dtype];
  const target = new ArrayType(slab.buffer, offset, typedLength(data as NumericArray));
  (target as Uint8Array).set(data as Uint8Array);
}

/** A private copy of the tensor. */
export function readElements<D extends DType>(
  slab: Slab,
  d: TensorDescriptor<D>,
): HostTensor<D, ArrayBuffer> {
  const dims = d.dims.slice();
  if (d.dtype === 'string') {
    const strings: string[] = new Array(elementCount(dims));
    decodeOrThrow(slab, d, strings);
    return { dtype: d.dtype, dims, data: strings as HostTensor<D, ArrayBuffer>['data'] };
  }
  const { ArrayType, bytesPerElement } = DTYPES[d.dtype as NumericDType];
  const count = d.byteLength / bytesPerElement;
  const data = new ArrayType(count);
  (data as Uint8Array).set(new ArrayType(slab.buffer, d.offset, count) as Uint8Array);
  return { dtype: d.dtype, dims, data: data as HostTensor<D, ArrayBuffer>['data'] };
}

/**
 * Copies the tensor into `target`.
 * @throws TypeError unless target is the dtype's array type, RangeError unless its length is the
 *   tensor's element count.
 */
export function copyElements<D extends DType, T extends DTypeArray<D>>(
  slab: Slab,
  d: TensorDescriptor<D>,
  target: T,
): T {
  const count = elementCount(d.dims);
  assertData(d.dtype, target, count, 'copyInto');
  if (d.dtype === 'string') {
    decodeOrThrow(slab, d, target as string[]);
    return target;
  }
  const { ArrayType } = DTYPES[d.dtype as NumericDType];
  (target as Uint8Array).set(new ArrayType(slab.buffer, d.offset, count) as Uint8Array);
  return target;
}

function decodeOrThrow(slab: Slab, d: TensorDescriptor, target: string[]): void {
  const problem = decodeStrings(slab, d.offset, d.byteLength, target.length, target);
  if (problem !== undefined) {
    throw new DescriptorError(
      `tensor descriptor {slab ${d.slab}, offset ${d.offset}, gen ${d.gen}}: ${problem}`,
    );
  }
}

function describe(x: unknown): string {
  if (x === null) return 'null';
  if (typeof x === 'object') return x.constructor?.name ?? 'an object';
  return typeof x;
}
