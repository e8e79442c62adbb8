import { describe, expect, test } from 'vitest';
import { DescriptorError } from '../src/errors.js';
import { Arena, type TensorDescriptor } from '../src/tensor/index.js';

function setup() {
  const arena = Arena.create({ slabSize: 64 * 1024, maxBytes: 1024 * 1024 });
  const data = Float32Array.from({ length: 6 }, (_, i) => i + 0.5);
  const d = arena.writeTensor('float32', [2, 3], data);
  return { arena, d, data };
}

/** Each forgery, and what the error must say is wrong with it. */
const forgeries: [string, (d: TensorDescriptor) => unknown, RegExp][] = [
  [
    'offset beyond the slab',
    (d) => ({ ...d, offset: d.offset + 64 * 1024 * 1024 }),
    /outside the data of slab 0/,
  ],
  ['offset in the bookkeeping', (d) => ({ ...d, offset: 0 }), /outside the data of slab 0/],
  ['negative offset', (d) => ({ ...d, offset: -64 }), /outside the data/],
  ['misaligned offset', (d) => ({ ...d, offset: d.offset + 4 }), /not on a 64-byte block boundary/],
  [
    'offset of a free block',
    (d) => ({ ...d, offset: d.offset + 64 * 16 }),
    /no live block starts here/,
  ],
  ['fractional offset', (d) => ({ ...d, offset: d.offset + 0.5 }), /offset must be an integer/],
  ['unknown slab', (d) => ({ ...d, slab: 77 }), /no slab 77 in the arena \(it has 1 slabs\)/],
  ['negative slab', (d) => ({ ...d, slab: -1 }), /slab must be a non-negative integer, got -1/],
  [
    'slab as a string',
    (d) => ({ ...d, slab: '0' }),
    /slab must be a non-negative integer, got "0"/,
  ],
  [
    'wrong gen',
    (d) => ({ ...d, gen: d.gen + 1000 }),
    /the block now has generation \d+, the descriptor \d+/,
  ],
  ['zero gen', (d) => ({ ...d, gen: 0 }), /gen must be a positive integer, got 0/],
  [
    'byteLength beyond the block',
    (d) => ({ ...d, byteLength: 65 }),
    /byteLength must be an integer from 0 to the block size 64, got 65/,
  ],
  ['negative byteLength', (d) => ({ ...d, byteLength: -4 }), /byteLength must be an integer/],
  [
    'dims not matching byteLength',
    (d) => ({ ...d, dims: [2, 4] }),
    /dims \[2, 4\] of float32 take 32 bytes, byteLength is 24/,
  ],
  [
    'byteLength not matching dims',
    (d) => ({ ...d, byteLength: 20 }),
    /dims \[2, 3\] of float32 take 24 bytes, byteLength is 20/,
  ],
  [
    'negative dim',
    (d) => ({ ...d, dims: [-2, -3] }),
    /dims\[0\] must be a non-negative integer, got -2/,
  ],
  [
    'fractional dim',
    (d) => ({ ...d, dims: [1.5, 4] }),
    /dims\[0\] must be a non-negative integer, got 1.5/,
  ],
  ['dims not an array', (d) => ({ ...d, dims: '2,3' }), /dims must be an array, got "2,3"/],
  [
    'dtype of another size',
    (d) => ({ ...d, dtype: 'float64' }),
    /dtype is float64, the block holds float32/,
  ],
  [
    'dtype of the same size',
    (d) => ({ ...d, dtype: 'int32' }),
    /dtype is int32, the block holds float32/,
  ],
  [
    'unknown dtype',
    (d) => ({ ...d, dtype: 'complex64' }),
    /dtype "complex64" is not a known dtype/,
  ],
  [
    'string dtype over numbers',
    (d) => ({ ...d, dtype: 'string' }),
    /dtype is string, the block holds float32/,
  ],
  ['null', () => null, /expected an object, got null/],
  ['a number', () => 42, /expected an object, got number/],
];

describe('a forged descriptor is a DescriptorError, and the real tensor is untouched', () => {
  test.each(forgeries)('%s', (_, forge, message) => {
    const { arena, d, data } = setup();
    const forged = forge(d) as TensorDescriptor;
    const before = arena.stats();
    for (const use of [
      () => arena.check(forged),
      () => arena.view(forged),
      () => arena.readTensor(forged),
      () => arena.copyInto(forged, new Float32Array(6)),
      () => arena.release(forged),
    ]) {
      expect(use).toThrow(DescriptorError);
      expect(use).toThrow(message);
    }
    expect(arena.stats()).toEqual(before);
    expect(arena.readTensor(d).data).toEqual(data);
  });
});

test('a slab created on another thread but not attached here is a DescriptorError until attached', () => {
  const main = Arena.create({ slabSize: 4096, maxBytes: 1024 * 1024 });
  const worker = Arena.attach(structuredClone(main.handle()));
  const announced: number[] = [];
  worker.onSlabCreated(({ id }) => announced.push(id));
  // The worker fills slab 0 and so adds slab 1, which the main thread has not seen.
  worker.allocate(4096);
  const d = worker.writeTensor('int32', [3], Int32Array.of(7, 8, 9));
  expect(d.slab).toBe(1);
  expect(announced).toEqual([1]);
  expect(() => main.view(d)).toThrow(DescriptorError);
  expect(() => main.view(d)).toThrow(/slab 1 exists but is not attached on this thread yet/);
  expect(() => main.release(d)).toThrow(DescriptorError);
  const handle = worker.handle();
  const slab = handle.slabs.find((s) => s.id === 1)!;
  main.attachSlab(slab.id, slab.buffer);
  expect(Array.from(main.view(d))).toEqual([7, 8, 9]);
  main.release(d);
  expect(() => worker.view(d)).toThrow(/no live block starts here/);
});
