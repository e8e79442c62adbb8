import { expect, test } from 'vitest';
import { Arena } from '../src/tensor/index.js';

const KiB = 1024;

test('bytes in use, high-water mark and counts follow allocations, in power-of-two blocks', () => {
  const arena = Arena.create({ slabSize: 64 * KiB, maxBytes: 1024 * KiB });
  expect(arena.stats()).toEqual({
    bytesInUse: 0,
    highWaterBytes: 0,
    bytesReserved: 64 * KiB,
    maxBytes: 1024 * KiB,
    slabCount: 1,
    attachedSlabs: 1,
    liveAllocations: 0,
    allocations: 0,
    releases: 0,
  });
  const a = arena.allocate(1); // a 64-byte block: the smallest
  const b = arena.allocate(1000); // 1024
  const c = arena.allocate(1025); // 2048
  const z = arena.allocTensor('float32', [0]).descriptor; // empty tensors still take a block
  expect(arena.stats()).toMatchObject({
    bytesInUse: 64 + 1024 + 2048 + 64,
    highWaterBytes: 64 + 1024 + 2048 + 64,
    liveAllocations: 4,
    allocations: 4,
    releases: 0,
  });
  arena.release(c);
  arena.release(z);
  expect(arena.stats()).toMatchObject({
    bytesInUse: 64 + 1024,
    highWaterBytes: 64 + 1024 + 2048 + 64,
    liveAllocations: 2,
    allocations: 4,
    releases: 2,
  });
  arena.resetHighWater();
  expect(arena.stats().highWaterBytes).toBe(64 + 1024);
  const d = arena.allocate(4096);
  arena.release(d);
  expect(arena.stats().highWaterBytes).toBe(64 + 1024 + 4096);
  arena.release(a);
  arena.release(b);
  expect(arena.stats()).toMatchObject({
    bytesInUse: 0,
    liveAllocations: 0,
    allocations: 5,
    releases: 5,
  });
});

test('slabs are added when full, and a tensor larger than a slab gets its own power-of-two slab', () => {
  const arena = Arena.create({ slabSize: 4 * KiB, maxBytes: 1024 * KiB });
  const created: number[] = [];
  arena.onSlabCreated(({ id, buffer }) => {
    expect(buffer).toBeInstanceOf(SharedArrayBuffer);
    created.push(id);
  });
  const first = [arena.allocate(2 * KiB), arena.allocate(2 * KiB)];
  expect(created).toEqual([]);
  const spill = arena.allocate(64);
  expect(spill.slab).toBe(1);
  expect(created).toEqual([1]);
  const big = arena.allocate(5 * KiB);
  expect(big.slab).toBe(2);
  expect(arena.stats()).toMatchObject({ slabCount: 3, bytesReserved: 4 * KiB + 4 * KiB + 8 * KiB });
  // A freed dedicated slab is reused for the next big tensor rather than adding another.
  arena.release(big);
  const again = arena.allocate(6 * KiB);
  expect(again.slab).toBe(2);
  // Small tensors do not settle in big slabs: slab 1 still has room.
  expect(arena.allocate(64).slab).toBe(1);
  expect(arena.stats().slabCount).toBe(3);
  expect(created).toEqual([1, 2]);
  for (const d of first) arena.release(d);
  // Freed space in slab 0 is found again.
  expect(arena.allocate(4 * KiB).slab).toBe(0);
});

test('statistics are arena-wide: every thread view sees the same figures', () => {
  const main = Arena.create({ slabSize: 4 * KiB, maxBytes: 1024 * KiB });
  const other = Arena.attach(structuredClone(main.handle()));
  const d = other.allocate(100);
  other.allocate(8 * KiB); // adds a slab on "the other thread"
  expect(main.stats()).toMatchObject({
    bytesInUse: 128 + 8 * KiB,
    liveAllocations: 2,
    slabCount: 2,
    attachedSlabs: 1, // not announced here yet
  });
  expect(other.stats().attachedSlabs).toBe(2);
  main.release(d);
  expect(other.stats()).toMatchObject({ bytesInUse: 8 * KiB, releases: 1 });
});
