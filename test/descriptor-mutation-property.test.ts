import fc from 'fast-check';
import { expect, test } from 'vitest';
import { DescriptorError } from '../src/errors.js';
import { Arena, DTYPES, type DType, type TensorDescriptor } from '../src/tensor/index.js';

const dtypes = Object.keys(DTYPES) as DType[];

const tensor = fc.record({
  dtype: fc.constantFrom(...dtypes),
  dims: fc.array(fc.integer({ min: 0, max: 6 }), { maxLength: 3 }),
  neighbours: fc.array(fc.integer({ min: 0, max: 300 }), { maxLength: 6 }),
});

type Field = keyof TensorDescriptor;

/**
 * A mutation of one field, said without the descriptor it applies to (the property makes the
 * descriptor, so shrinking replays it freshly): near misses, another live block's gen, other
 * dtypes, dims of the same element count, other dims, and arbitrary junk.
 */
type Mutation =
  | { kind: 'shift'; field: 'slab' | 'offset' | 'byteLength' | 'gen'; by: number }
  | { kind: 'set'; field: Field; value: unknown }
  | { kind: 'neighbour-gen'; pick: number }
  | { kind: 'same-count-dims'; how: 'reverse' | 'append-1' | 'prepend-1' | 'drop-1s' };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    kind: fc.constant('shift' as const),
    field: fc.constantFrom(
      'slab' as const,
      'offset' as const,
      'byteLength' as const,
      'gen' as const,
    ),
    by: fc.oneof(
      fc.integer({ min: -64, max: 64 }),
      fc.integer({ min: -64, max: 64 }).map((k) => k * 64),
    ),
  }),
  fc.record({
    kind: fc.constant('set' as const),
    field: fc.constantFrom<Field>('slab', 'offset', 'byteLength', 'gen', 'dtype', 'dims'),
    value: fc.oneof(
      fc.integer(),
      fc.double(),
      fc.constantFrom(...dtypes, 'bogus'),
      fc.array(fc.integer({ min: -2, max: 40 }), { maxLength: 4 }),
      fc.anything(),
    ),
  }),
  fc.record({ kind: fc.constant('neighbour-gen' as const), pick: fc.nat() }),
  fc.record({
    kind: fc.constant('same-count-dims' as const),
    how: fc.constantFrom(
      'reverse' as const,
      'append-1' as const,
      'prepend-1' as const,
      'drop-1s' as const,
    ),
  }),
);

function mutate(d: TensorDescriptor, m: Mutation, gens: number[]): TensorDescriptor {
  switch (m.kind) {
    case 'shift':
      return { ...d, [m.field]: d[m.field] + m.by };
    case 'set':
      return { ...d, [m.field]: m.value } as TensorDescriptor;
    case 'neighbour-gen':
      return { ...d, gen: gens[m.pick % gens.length]! };
    case 'same-count-dims': {
      const dims = {
        reverse: [...d.dims].reverse(),
        'append-1': [...d.dims, 1],
        'prepend-1': [1, ...d.dims],
        'drop-1s': d.dims.filter((x) => x !== 1),
      }[m.how];
      return { ...d, dims };
    }
  }
}

function fill(dtype: DType, count: number, seed: number) {
  if (dtype === 'string') return Array.from({ length: count }, (_, i) => `s${seed}-${i}é`);
  const data = new DTYPES[dtype].ArrayType(count);
  for (let i = 0; i < count; i++) {
    const v = (seed * 31 + i * 7) % 100;
    (data as unknown as (number | bigint)[])[i] =
      data instanceof BigInt64Array || data instanceof BigUint64Array ? BigInt(v) : v;
  }
  return data;
}

test('any one-field mutation of a valid descriptor is the same tensor or a DescriptorError', () => {
  const outcomes = { accepted: 0, refused: 0 };
  fc.assert(
    fc.property(tensor, mutation, (t, m) => {
      const arena = Arena.create({ slabSize: 4096, maxBytes: 1024 * 1024 });
      // Live neighbours, so a mutated offset or gen can land on someone else's block.
      const others = t.neighbours.map((size) => arena.allocate(size));
      const count = t.dims.reduce((a, b) => a * b, 1);
      const d = arena.writeTensor(
        t.dtype,
        t.dims,
        fill(t.dtype, count, t.neighbours.length) as never,
      );
      const gens = [d.gen, ...others.map((o) => o.gen)];
      const original = arena.readTensor(d);
      const mutated = mutate(d, m, gens);
      const inUse = arena.stats().bytesInUse;
      let read: ReturnType<Arena['readTensor']> | undefined;
      try {
        read = arena.readTensor(mutated);
      } catch (error) {
        expect(error).toBeInstanceOf(DescriptorError);
      }
      outcomes[read === undefined ? 'refused' : 'accepted']++;
      if (read !== undefined) {
        // Accepted: it must name the very same bytes, read as the same elements.
        expect([
          mutated.slab,
          mutated.offset,
          mutated.gen,
          mutated.byteLength,
          mutated.dtype,
        ]).toEqual([d.slab, d.offset, d.gen, d.byteLength, d.dtype]);
        expect(read.data).toEqual(original.data);
        if (d.dtype !== 'string') {
          const view = arena.view(mutated);
          expect([view.buffer, view.byteOffset, view.byteLength]).toEqual([
            arena.view(d).buffer,
            d.offset,
            d.byteLength,
          ]);
        }
      }
      // Release through the mutated descriptor frees the very tensor or nothing at all.
      let released = false;
      try {
        arena.release(mutated);
        released = true;
      } catch (error) {
        expect(error).toBeInstanceOf(DescriptorError);
      }
      expect(released).toBe(read !== undefined);
      if (released) expect(() => arena.check(d)).toThrow(DescriptorError);
      else {
        expect(arena.stats().bytesInUse).toBe(inUse);
        arena.release(d);
      }
      for (const o of others) arena.release(o);
      expect(arena.stats().liveAllocations).toBe(0);
    }),
    { seed: 0xdec0de, numRuns: 1000 },
  );
  // Both sides of the property were exercised.
  expect(outcomes.accepted).toBeGreaterThan(50);
  expect(outcomes.refused).toBeGreaterThan(500);
});
