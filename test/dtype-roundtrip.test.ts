import { describe, expect, test } from 'vitest';
import { ArgumentError, DescriptorError } from '../src/errors.js';
import {
  Arena,
  DTYPES,
  type DType,
  type DTypeArray,
  type NumericDType,
} from '../src/tensor/index.js';
import { seededRandom } from '../src/util/mulberry32.js';

const random = seededRandom(42);
const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));

/** Seeded values covering each type's range, edges included. */
function sample(dtype: NumericDType, count: number): DTypeArray<NumericDType, ArrayBuffer> {
  const { ArrayType } = DTYPES[dtype];
  const data = new ArrayType(count);
  const edges: Record<NumericDType, readonly (number | bigint)[]> = {
    float32: [0, -0, 1.5, -3.25e38, Number.POSITIVE_INFINITY, Number.NaN],
    float64: [Number.MAX_VALUE, Number.MIN_VALUE, -0, Number.NaN, Math.PI],
    float16: [0x3c00, 0x7c00, 0xfc00, 0x7e00, 0x0001, 0xffff], // 1, +inf, -inf, NaN, subnormal
    int8: [-128, 127, 0],
    int16: [-32768, 32767],
    int32: [-(2 ** 31), 2 ** 31 - 1],
    int64: [-(2n ** 63n), 2n ** 63n - 1n, 2n ** 53n + 1n],
    uint8: [0, 255],
    uint16: [0, 65535],
    uint32: [0, 2 ** 32 - 1],
    uint64: [0n, 2n ** 64n - 1n, 2n ** 53n + 1n],
    bool: [0, 1],
  };
  const pick = edges[dtype];
  for (let i = 0; i < count; i++) {
    const edge = pick[i];
    if (edge !== undefined) (data as unknown as (number | bigint)[])[i] = edge;
    else if (dtype === 'int64' || dtype === 'uint64') {
      (data as BigInt64Array)[i] = BigInt(int(-(2 ** 30), 2 ** 30)) * 8191n;
    } else if (dtype === 'bool') (data as Uint8Array)[i] = int(0, 1);
    else (data as Float64Array)[i] = (random() - 0.5) * 2 ** 40;
  }
  return data;
}

const numeric = (Object.keys(DTYPES) as DType[]).filter((d): d is NumericDType => d !== 'string');

describe('every numeric dtype survives write, view, read and copy bit for bit', () => {
  test.each(numeric)('%s', (dtype) => {
    const arena = Arena.create({ slabSize: 64 * 1024, maxBytes: 1024 * 1024 });
    const dims = [3, 5, 2];
    const data = sample(dtype, 30);
    const d = arena.writeTensor(dtype, dims, data);
    expect(d).toMatchObject({ dtype, dims, byteLength: 30 * DTYPES[dtype].bytesPerElement });

    const shared = arena.view(d);
    expect(shared).toBeInstanceOf(DTYPES[dtype].ArrayType);
    expect(shared.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(shared).toEqual(data);

    const copy = arena.readTensor(d);
    expect(copy.dtype).toBe(dtype);
    expect(copy.dims).toEqual(dims);
    expect(copy.data).toEqual(data);
    // A private copy: onnxruntime-node refuses SharedArrayBuffer-backed arrays.
    expect(copy.data.buffer).toBeInstanceOf(ArrayBuffer);
    expect(copy.data.buffer).not.toBeInstanceOf(SharedArrayBuffer);
    // Compare the raw bytes too: NaN payloads and -0 must survive.
    const bytes = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
    expect(bytes(copy.data).equals(bytes(data))).toBe(true);

    const target = new DTYPES[dtype].ArrayType(30);
    expect(arena.copyInto(d, target)).toBe(target);
    expect(bytes(target).equals(bytes(data))).toBe(true);

    // Writes through the view land in the arena and show in the next read.
    const fresh = arena.allocTensor(dtype, [2]);
    fresh.data.set(data.subarray(0, 2) as never);
    expect(arena.readTensor(fresh.descriptor).data).toEqual(data.subarray(0, 2));

    arena.release(d);
    arena.release(fresh.descriptor);
    expect(arena.stats().bytesInUse).toBe(0);
  });
});

test('int64 and uint64 keep BigInts beyond 2^53 exactly', () => {
  const arena = Arena.create({ slabSize: 4096, maxBytes: 64 * 1024 });
  const big = BigInt64Array.of(-(2n ** 63n), 2n ** 53n + 1n, -7n);
  const read = arena.readTensor(arena.writeTensor('int64', [3], big)).data;
  expect(read).toBeInstanceOf(BigInt64Array);
  expect(Array.from(read)).toEqual([-(2n ** 63n), 2n ** 53n + 1n, -7n]);
});

test('bool is one byte per element in a Uint8Array', () => {
  const arena = Arena.create({ slabSize: 4096, maxBytes: 64 * 1024 });
  const d = arena.writeTensor('bool', [2, 2], Uint8Array.of(1, 0, 0, 1));
  expect(d.byteLength).toBe(4);
  const read = arena.readTensor(d);
  expect(read.data).toBeInstanceOf(Uint8Array);
  expect(Array.from(read.data)).toEqual([1, 0, 0, 1]);
});

describe('string tensors', () => {
  const cases: [string, number[], string[]][] = [
    ['ascii', [2, 2], ['a', 'bb', 'ccc', 'dddd']],
    ['empty strings', [3], ['', 'x', '']],
    ['multi-byte UTF-8', [4], ['héllo', '日本語', '🎉 emoji', 'Ωmega']],
    ['zero strings', [2, 0], []],
    ['a scalar', [], ['only one']],
    ['long', [2], ['x'.repeat(10_000), 'ü'.repeat(3000)]],
  ];
  test.each(cases)('%s round-trip through the documented layout', (_, dims, strings) => {
    const arena = Arena.create({ slabSize: 64 * 1024, maxBytes: 1024 * 1024 });
    const d = arena.writeTensor('string', dims, strings);
    const utf8 = strings.map((s) => Buffer.from(s, 'utf8'));
    const text = utf8.reduce((sum, b) => sum + b.length, 0);
    expect(d.byteLength).toBe(4 + 4 * (strings.length + 1) + text);
    expect(arena.readTensor(d)).toEqual({ dtype: 'string', dims, data: strings });

    // The bytes are laid out as documented: count, offsets, UTF-8.
    const slab = arena.handle().slabs.find((s) => s.id === d.slab)!;
    const words = new Uint32Array(slab.buffer, d.offset, strings.length + 2);
    expect(words[0]).toBe(strings.length);
    let at = 0;
    for (let i = 0; i < strings.length; i++) {
      expect(words[1 + i]).toBe(at);
      at += utf8[i]!.length;
    }
    expect(words[1 + strings.length]).toBe(text);
    const textStart = d.offset + 4 * (strings.length + 2);
    expect(Buffer.from(slab.buffer, textStart, text).equals(Buffer.concat(utf8))).toBe(true);

    const target = new Array<string>(strings.length);
    expect(arena.copyInto(d, target)).toEqual(strings);
    expect(() => arena.view(d)).toThrow(ArgumentError);
    arena.release(d);
    expect(arena.stats().bytesInUse).toBe(0);
  });

  test('a string table overwritten through the raw slab buffer is a DescriptorError, never a wild read', () => {
    const arena = Arena.create({ slabSize: 4096, maxBytes: 64 * 1024 });
    const d = arena.writeTensor('string', [2], ['ab', 'cd']);
    const slab = arena.handle().slabs.find((s) => s.id === d.slab)!;
    const words = new Uint32Array(slab.buffer, d.offset, 4);
    const saved = Array.from(words);
    words[2] = 1_000_000; // offsets[1] points past the text
    expect(() => arena.readTensor(d)).toThrow(/offsets\[1\] is 1000000, expected within \[0, 4\]/);
    words[3] = 9; // the table's total no longer matches byteLength
    expect(() => arena.readTensor(d)).toThrow(/string table gives 25 bytes, byteLength is 20/);
    words[0] = 5; // the count no longer matches dims
    expect(() => arena.readTensor(d)).toThrow(/string table holds 5 strings, dims give 2/);
    expect(() => arena.release(d)).toThrow(DescriptorError);
    words.set(saved);
    expect(arena.readTensor(d).data).toEqual(['ab', 'cd']);
    arena.release(d);
    expect(arena.stats().liveAllocations).toBe(0);
  });
});

describe('writeTensor refuses data that does not match', () => {
  const arena = Arena.create({ slabSize: 4096, maxBytes: 64 * 1024 });
  test('wrong array type is an ArgumentError naming data', () => {
    expect(() => arena.writeTensor('float32', [2], Float64Array.of(1, 2) as never)).toThrow(
      'writeTensor: float32 data must be a Float32Array, got Float64Array',
    );
    expect(() => arena.writeTensor('int64', [1], [1] as never)).toThrow(
      expect.objectContaining({ code: 'ERR_ARGUMENT', argument: 'data' }),
    );
    expect(() => arena.writeTensor('string', [1], [1] as never)).toThrow(ArgumentError);
  });
  test('wrong length or bad dims is an ArgumentError', () => {
    expect(() => arena.writeTensor('float32', [3], Float32Array.of(1, 2))).toThrow(
      'writeTensor: dims hold 3 elements, data has 2',
    );
    expect(() => arena.writeTensor('float32', [-1], new Float32Array(0))).toThrow(
      expect.objectContaining({ code: 'ERR_ARGUMENT', argument: 'dims' }),
    );
    expect(() => arena.allocTensor('int8', [2 ** 30, 2 ** 30])).toThrow(
      expect.objectContaining({ code: 'ERR_ARGUMENT', argument: 'dims' }),
    );
  });
  test('allocTensor of strings is an ArgumentError, and nothing is allocated', () => {
    expect(() => arena.allocTensor('string' as NumericDType, [1])).toThrow(
      expect.objectContaining({ code: 'ERR_ARGUMENT', argument: 'dtype' }),
    );
    expect(arena.stats().liveAllocations).toBe(0);
  });
});
