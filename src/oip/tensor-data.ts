import { endianness } from 'node:os';
import { FeedError } from '../errors.js';
import { DTYPES, type HostTensor, type NumericDType } from '../tensor/index.js';
import { dtypeOfDatatype, type OipDatatype } from './datatype.js';
import { float16ToNumber, numberToFloat16 } from './float16.js';

/**
 * A tensor's elements in the protocol's two forms: a JSON array (row-major, flat or nested) and
 * the binary data extension's raw little-endian bytes (BYTES elements each after a 4-byte
 * little-endian length). Problems are FeedErrors whose message starts with `where`, which names
 * the model and the tensor.
 */

export type JsonElement = number | boolean | string;

// Typed arrays are read and written in the machine's byte order, the wire's is little-endian.
if (endianness() !== 'LE')
  throw new Error('the Open Inference Protocol codec needs a little-endian machine');

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function checkShape(where: string, shape: unknown): number[] {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0))
    throw new FeedError(
      `${where}: shape must be an array of non-negative integers, got ${JSON.stringify(shape)}`,
    );
  return shape as number[];
}

/** A host tensor from JSON data, which may be nested as the shape or flat. */
export function tensorFromJsonData(
  where: string,
  datatype: OipDatatype,
  shape: readonly number[],
  data: unknown,
): HostTensor {
  if (!Array.isArray(data))
    throw new FeedError(`${where}: data must be an array of ${datatype} elements`);
  const flat = (data as unknown[]).flat(Number.POSITIVE_INFINITY) as unknown[];
  const count = elementCount(shape);
  if (flat.length !== count)
    throw new FeedError(
      `${where}: shape [${shape.join(', ')}] holds ${count} elements, data has ${flat.length}`,
    );
  const dtype = dtypeOfDatatype(datatype);
  const dims = [...shape];
  if (dtype === 'string') {
    if (!flat.every((v) => typeof v === 'string'))
      throw new FeedError(`${where}: BYTES data must be strings`);
    return { dtype, dims, data: flat as string[] };
  }
  if (dtype === 'bool') {
    const out = new Uint8Array(count);
    flat.forEach((v, i) => {
      if (typeof v !== 'boolean' && v !== 0 && v !== 1)
        throw new FeedError(`${where}: BOOL data must be true/false, got ${JSON.stringify(v)}`);
      out[i] = v ? 1 : 0;
    });
    return { dtype, dims, data: out };
  }
  if (!flat.every((v) => typeof v === 'number'))
    throw new FeedError(`${where}: ${datatype} data must be numbers`);
  const numbers = flat as number[];
  if (dtype === 'float16') return { dtype, dims, data: Uint16Array.from(numbers, numberToFloat16) };
  if (dtype === 'int64' || dtype === 'uint64') {
    if (!numbers.every(Number.isInteger))
      throw new FeedError(`${where}: ${datatype} data must be integers`);
    const Type = dtype === 'int64' ? BigInt64Array : BigUint64Array;
    return { dtype, dims, data: Type.from(numbers.map((n) => BigInt(n))) } as HostTensor;
  }
  const Type = DTYPES[dtype].ArrayType as unknown as { from(v: number[]): HostTensor['data'] };
  return { dtype, dims, data: Type.from(numbers) } as HostTensor;
}

/** A tensor's elements as a flat JSON array. 64-bit integers are exact up to 2^53. */
export function jsonDataOfTensor(tensor: HostTensor): JsonElement[] {
  const { dtype, data } = tensor;
  if (dtype === 'string') return [...(data as readonly string[])];
  if (dtype === 'bool') return Array.from(data as Uint8Array, (v) => v !== 0);
  if (dtype === 'float16') return Array.from(data as Uint16Array, float16ToNumber);
  return Array.from(data as ArrayLike<number | bigint>, Number);
}

/** A host tensor from the binary extension's bytes, checked against the shape. */
export function tensorFromBinaryData(
  where: string,
  datatype: OipDatatype,
  shape: readonly number[],
  bytes: Uint8Array,
): HostTensor {
  const dtype = dtypeOfDatatype(datatype);
  const count = elementCount(shape);
  const dims = [...shape];
  if (dtype === 'string') return { dtype, dims, data: readByteStrings(where, count, bytes) };
  const size = DTYPES[dtype as NumericDType].bytesPerElement;
  if (bytes.byteLength !== count * size)
    throw new FeedError(
      `${where}: ${datatype} shape [${shape.join(', ')}] takes ${count * size} bytes, binary_data_size is ${bytes.byteLength}`,
    );
  // A private, aligned copy: the body's bytes sit at any offset of a shared pool buffer.
  const copy = new Uint8Array(bytes);
  const Type = DTYPES[dtype as NumericDType].ArrayType;
  return { dtype, dims, data: new Type(copy.buffer, 0, count) } as HostTensor;
}

/** The binary extension's bytes of a tensor. */
export function binaryDataOfTensor(tensor: HostTensor): Uint8Array {
  if (tensor.dtype === 'string') return writeByteStrings(tensor.data as readonly string[]);
  const data = tensor.data as Exclude<HostTensor['data'], readonly string[]>;
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

function readByteStrings(where: string, count: number, bytes: Uint8Array): string[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const out: string[] = [];
  let at = 0;
  for (let i = 0; i < count; i++) {
    if (at + 4 > bytes.byteLength)
      throw new FeedError(`${where}: BYTES data ends before element ${i} of ${count}`);
    const length = view.getUint32(at, true);
    at += 4;
    if (at + length > bytes.byteLength)
      throw new FeedError(
        `${where}: BYTES element ${i} claims ${length} bytes, ${bytes.byteLength - at} are left`,
      );
    try {
      out.push(decoder.decode(bytes.subarray(at, at + length)));
    } catch {
      throw new FeedError(`${where}: BYTES element ${i} is not UTF-8 text`);
    }
    at += length;
  }
  if (at !== bytes.byteLength)
    throw new FeedError(
      `${where}: BYTES data has ${bytes.byteLength - at} bytes after its ${count} elements`,
    );
  return out;
}

function writeByteStrings(strings: readonly string[]): Uint8Array {
  const encoded = strings.map((s) => Buffer.from(s, 'utf8'));
  const out = Buffer.alloc(encoded.reduce((n, b) => n + 4 + b.byteLength, 0));
  let at = 0;
  for (const b of encoded) {
    out.writeUInt32LE(b.byteLength, at);
    b.copy(out, at + 4);
    at += 4 + b.byteLength;
  }
  return out;
}
