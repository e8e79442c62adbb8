import { expect, test } from 'vitest';
import { DescriptorError } from '../src/errors.js';
import { Arena, type TensorDescriptor } from '../src/tensor/index.js';

function uses(arena: Arena, d: TensorDescriptor<'float64'>) {
  return [
    () => arena.check(d),
    () => arena.view(d),
    () => arena.readTensor(d),
    () => arena.copyInto(d, new Float64Array(4)),
    () => arena.release(d),
  ];
}

test('a released descriptor is a DescriptorError everywhere, release included (no double free)', () => {
  const arena = Arena.create({ slabSize: 4096, maxBytes: 64 * 1024 });
  const d = arena.writeTensor('float64', [4], Float64Array.of(1, 2, 3, 4));
  arena.release(d);
  const after = arena.stats();
  expect(after.liveAllocations).toBe(0);
  for (const use of uses(arena, d)) {
    expect(use).toThrow(DescriptorError);
    expect(use).toThrow(/no live block starts here: the tensor was released/);
  }
  // The failed second release changed nothing.
  expect(arena.stats()).toEqual(after);
});

test('a descriptor whose block was released and reallocated is a DescriptorError, the new one works', () => {
  const arena = Arena.create({ slabSize: 4096, maxBytes: 64 * 1024 });
  const old = arena.writeTensor('float64', [4], Float64Array.of(1, 2, 3, 4));
  arena.release(old);
  const reused = arena.writeTensor('float64', [4], Float64Array.of(5, 6, 7, 8));
  // Same slab, same offset, same shape: only the generation tells them apart.
  expect([reused.slab, reused.offset, reused.byteLength]).toEqual([
    old.slab,
    old.offset,
    old.byteLength,
  ]);
  expect(reused.gen).not.toBe(old.gen);
  for (const use of uses(arena, old)) {
    expect(use).toThrow(DescriptorError);
    expect(use).toThrow(`the block now has generation ${reused.gen}, the descriptor ${old.gen}`);
  }
  expect(Array.from(arena.readTensor(reused).data)).toEqual([5, 6, 7, 8]);
  expect(arena.stats().liveAllocations).toBe(1);
  arena.release(reused);
  expect(arena.stats().bytesInUse).toBe(0);
});

test('a stale descriptor of a block now inside a larger block is a DescriptorError', () => {
  const arena = Arena.create({ slabSize: 4096, maxBytes: 64 * 1024 });
  const first = arena.allocate(64);
  const second = arena.allocate(64);
  arena.release(first);
  arena.release(second);
  // The two freed 64-byte buddies merge; a 128-byte block now covers both offsets.
  const big = arena.allocate(128);
  expect(big.offset).toBe(first.offset);
  expect(() => arena.view(second)).toThrow(/no live block starts here/);
  expect(() => arena.release(second)).toThrow(DescriptorError);
  expect(() => arena.view(first)).toThrow(/the block now has generation/);
  arena.release(big);
});

test('a descriptor released on another thread is stale on this one', () => {
  const main = Arena.create({ slabSize: 4096, maxBytes: 64 * 1024 });
  const worker = Arena.attach(structuredClone(main.handle()));
  const d = main.writeTensor('float64', [2], Float64Array.of(1, 2));
  worker.release(structuredClone(d));
  expect(() => main.readTensor(d)).toThrow(DescriptorError);
  expect(() => main.release(d)).toThrow(DescriptorError);
  expect(main.stats().liveAllocations).toBe(0);
});
