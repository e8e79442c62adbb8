import { expect, test } from 'vitest';
import { ArenaFullError } from '../src/errors.js';
import { Arena } from '../src/tensor/index.js';

const KiB = 1024;

test('ArenaFullError names the requested size, the bytes in use and the limit', () => {
  const arena = Arena.create({ slabSize: 4 * KiB, maxBytes: 16 * KiB });
  const held = [0, 1, 2].map(() => arena.allocate(4 * KiB));
  arena.allocate(3000);
  const full = () => arena.allocate(2000);
  expect(full).toThrow(ArenaFullError);
  expect(full).toThrow(
    'arena is full: cannot allocate 2000 bytes (a 2048-byte block); 16384 bytes in use, ' +
      '16384 of maxBytes 16384 bytes are reserved in 4 slabs',
  );
  try {
    full();
  } catch (error) {
    expect((error as ArenaFullError).code).toBe('ERR_ARENA_FULL');
  }
  // Nothing was counted for the failed attempts, and room comes back on release.
  expect(arena.stats()).toMatchObject({ liveAllocations: 4, allocations: 4 });
  arena.release(held[0]!);
  expect(arena.allocate(2000).slab).toBe(0);
});

test('a tensor larger than maxBytes is an ArenaFullError, not a crash', () => {
  const arena = Arena.create({ slabSize: 4 * KiB, maxBytes: 64 * KiB });
  expect(() => arena.allocate(100 * KiB)).toThrow(
    /cannot allocate 102400 bytes \(a 131072-byte block\)/,
  );
  expect(() => arena.allocTensor('float64', [2 ** 40])).toThrow(ArenaFullError);
  expect(arena.stats()).toMatchObject({ slabCount: 1, bytesReserved: 4 * KiB });
});

test('a full slab table is an ArenaFullError', () => {
  const arena = Arena.create({ slabSize: 4 * KiB, maxBytes: 1024 * KiB, maxSlabs: 2 });
  arena.allocate(4 * KiB);
  arena.allocate(4 * KiB);
  expect(() => arena.allocate(64)).toThrow(/the slab table is full \(2 slabs\)/);
  expect(arena.stats().bytesReserved).toBe(8 * KiB);
});

test('options out of range are ArgumentErrors naming the option', () => {
  expect(() => Arena.create({ slabSize: 5000 })).toThrow(
    expect.objectContaining({ code: 'ERR_ARGUMENT', argument: 'options.slabSize' }),
  );
  expect(() => Arena.create({ slabSize: 2048 })).toThrow(
    /slabSize must be a power of two from 4096/,
  );
  expect(() => Arena.create({ slabSize: 8 * KiB, maxBytes: 4 * KiB })).toThrow(/maxBytes must be/);
  expect(() => Arena.create({ maxSlabs: 0 })).toThrow(/maxSlabs must be/);
  expect(() => Arena.create({ slabSize: 4 * KiB }).allocate(-1)).toThrow(
    expect.objectContaining({ code: 'ERR_ARGUMENT', argument: 'byteLength' }),
  );
});
