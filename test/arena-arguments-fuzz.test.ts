import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { ArgumentError, DescriptorError, RoundtableError } from '../src/errors.js';
import { Arena } from '../src/tensor/index.js';
import { junk, mutate, mutation } from './support/argument-fuzz.js';

/**
 * The Arena's public methods at the door: every wrong argument (wrong type, NaN, out of range, a
 * getter that throws or changes between reads, a hostile proxy) is refused with a RoundtableError,
 * never a TypeError or RangeError from the allocator; afterwards the arena serves a good write and
 * read, and holds nothing.
 */

const SEED = 20_261_205;
const runs = (numRuns: number) => ({ seed: SEED, numRuns, endOnFailure: true });
const arena = Arena.create({ slabSize: 4096, maxBytes: 1024 * 1024 });
const refusals = new Map<string, number>();

afterAll(() => arena.close());

/** The fields of a mutated bundle of arguments, or undefined where reading one throws (the test's own read). */
function fieldsOf<T extends object>(bundle: unknown, keys: readonly (keyof T)[]): Partial<T> {
  const out: Partial<T> = {};
  for (const key of keys) {
    try {
      out[key] = (bundle as T)?.[key];
    } catch {
      // the mutation put a throwing getter on the bundle itself: the argument is left out
    }
  }
  return out;
}

/** Runs `call`; a refusal must be a RoundtableError; what it returned is released; then a good request. */
function refusedOrServed(
  entry: string,
  call: () => unknown,
  heldByTest = 0,
  cleanUp: () => void = () => {},
): void {
  const allocates = /^(allocate|allocTensor|writeTensor)/.test(entry);
  let outcome: unknown;
  try {
    outcome = call();
  } catch (error) {
    if (!(error instanceof RoundtableError))
      throw new Error(
        `${entry} refused with ${(error as Error)?.name}: ${(error as Error)?.message}`,
      );
    refusals.set(entry, (refusals.get(entry) ?? 0) + 1);
  }
  if (allocates && typeof outcome === 'object' && outcome !== null) {
    const descriptor = 'descriptor' in outcome ? outcome.descriptor : outcome;
    if (typeof descriptor === 'object' && descriptor !== null && 'gen' in descriptor)
      arena.release(descriptor as never);
  }
  cleanUp();
  const d = arena.writeTensor('float32', [2], Float32Array.of(1, 2));
  expect(Array.from(arena.readTensor(d).data)).toEqual([1, 2]);
  arena.release(d);
  expect(arena.stats().bytesInUse).toBe(heldByTest);
}

describe('the Arena refuses wrong arguments with RoundtableErrors and serves on', () => {
  it('allocate, allocTensor, writeTensor', () => {
    fc.assert(
      fc.property(junk(4), (n) => refusedOrServed('allocate', () => arena.allocate(n as never))),
      runs(100),
    );
    const alloc = { dtype: 'int32', dims: [2, 3] };
    fc.assert(
      fc.property(mutation(alloc, true), (m) => {
        const args = fieldsOf<typeof alloc>(mutate(alloc, m), ['dtype', 'dims']);
        refusedOrServed('allocTensor', () =>
          arena.allocTensor(args?.dtype as never, args?.dims as never),
        );
      }),
      runs(150),
    );
    for (const good of [
      { dtype: 'float32', dims: [2, 2], data: Float32Array.of(1, 2, 3, 4) },
      { dtype: 'string', dims: [2], data: ['ab', 'c'] },
      { dtype: 'int64', dims: [1], data: BigInt64Array.of(5n) },
    ]) {
      fc.assert(
        fc.property(mutation(good, true), (m) => {
          const args = fieldsOf<typeof good>(mutate(good, m), ['dtype', 'dims', 'data']);
          refusedOrServed(`writeTensor ${good.dtype}`, () =>
            arena.writeTensor(args?.dtype as never, args?.dims as never, args?.data as never),
          );
        }),
        runs(150),
      );
    }
  });

  it('view, readTensor, copyInto, check, release of a wrong descriptor or target', () => {
    const kept = arena.writeTensor('float32', [3], Float32Array.of(1, 2, 3));
    const words = arena.writeTensor('string', [2], ['a', 'b']);
    const held = arena.stats().bytesInUse;
    for (const method of ['view', 'readTensor', 'check', 'release'] as const) {
      fc.assert(
        fc.property(mutation(kept), (m) => {
          // A descriptor of its own: a mutation whose first read is the good one may release it.
          const own = arena.writeTensor('float32', [3], Float32Array.of(1, 2, 3));
          const freeOwn = () => {
            if (method !== 'release' || arena.stats().bytesInUse > held) arena.release(own);
          };
          refusedOrServed(method, () => arena[method](mutate(own, m) as never), held, freeOwn);
        }),
        runs(120),
      );
    }
    fc.assert(
      fc.property(fc.oneof(junk(3), fc.constant(new Array(3))), (target) =>
        refusedOrServed('copyInto', () => arena.copyInto(kept, target as never), held),
      ),
      runs(100),
    );
    expect(() => arena.view(words)).toThrow(
      expect.objectContaining({ code: 'ERR_ARGUMENT', argument: 'descriptor' }),
    );
    arena.release(kept);
    arena.release(words);
    expect(arena.stats().bytesInUse).toBe(0);
  });

  it('Arena.create, Arena.attach, attachSlab, onSlabCreated', () => {
    const good = { slabSize: 4096, maxBytes: 65_536, maxSlabs: 4 };
    fc.assert(
      fc.property(mutation(good), (m) => {
        let created: Arena | undefined;
        refusedOrServed('Arena.create', () => {
          created = Arena.create(mutate(good, m) as never);
        });
        created?.close();
      }),
      runs(150),
    );
    const handle = arena.handle();
    fc.assert(
      fc.property(mutation(handle), (m) => {
        let attached: Arena | undefined;
        refusedOrServed('Arena.attach', () => {
          attached = Arena.attach(mutate(handle, m) as never);
        });
        attached?.close();
      }),
      runs(150),
    );
    const other = Arena.attach(handle);
    const slab = { id: 0, buffer: handle.slabs[0]!.buffer };
    fc.assert(
      fc.property(mutation(slab), (m) => {
        const args = fieldsOf<typeof slab>(mutate(slab, m), ['id', 'buffer']);
        refusedOrServed('attachSlab', () =>
          other.attachSlab(args?.id as never, args?.buffer as never),
        );
      }),
      runs(100),
    );
    other.close();
    fc.assert(
      fc.property(junk(), (listener) =>
        refusedOrServed('onSlabCreated', () => arena.onSlabCreated(listener as never)()),
      ),
      runs(60),
    );
  });

  it('each wrong argument is named', () => {
    const named = (call: () => unknown, argument: string) => {
      let caught: unknown;
      try {
        call();
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(ArgumentError);
      expect((caught as ArgumentError).argument).toBe(argument);
    };
    named(() => arena.allocate(Number.NaN), 'byteLength');
    named(() => arena.allocTensor('float128' as never, [1]), 'dtype');
    named(() => arena.allocTensor('float32', 3 as never), 'dims');
    named(() => arena.allocTensor('float32', [Number.NaN]), 'dims');
    named(() => arena.writeTensor('nope' as never, [1], Float32Array.of(1) as never), 'dtype');
    named(() => arena.writeTensor('float32', [2], Float32Array.of(1)), 'data');
    named(() => arena.writeTensor('float32', [1], [1] as never), 'data');
    named(() => Arena.create({ maxSlabs: 'x' as never }), 'options.maxSlabs');
    named(() => Arena.create(5 as never), 'options');
    named(() => Arena.attach(null as never), 'handle');
    named(() => arena.onSlabCreated(3 as never), 'listener');
    const d = arena.writeTensor('float32', [1], Float32Array.of(1));
    named(() => arena.copyInto(d, new Float64Array(1) as never), 'target');
    arena.release(d);
    expect(() =>
      arena.readTensor(
        new Proxy(
          {},
          {
            get: () => {
              throw new Error('no');
            },
          },
        ) as never,
      ),
    ).toThrow(DescriptorError);
  });

  it('a proxy or a lying length passes no typed-array check: the block is sized and filled from one reading', () => {
    const real = Float32Array.of(1, 2);
    const proxy = new Proxy(real, {});
    expect(() => arena.writeTensor('float32', [2], proxy)).toThrow(
      expect.objectContaining({ argument: 'data' }),
    );
    const liar = Float32Array.of(1, 2, 3, 4);
    Object.defineProperty(liar, 'length', { value: 2 });
    expect(() => arena.writeTensor('float32', [2], liar)).toThrow(
      expect.objectContaining({ argument: 'data' }),
    );
    let reads = 0;
    const shifting = [1];
    Object.defineProperty(shifting, 0, { get: () => (reads++ === 0 ? 1 : 1000), enumerable: true });
    const d = arena.allocTensor('float32', shifting);
    expect(d.descriptor.dims).toEqual([1]);
    expect(d.descriptor.byteLength).toBe(4);
    arena.release(d.descriptor);
    expect(arena.stats().bytesInUse).toBe(0);
    expect(refusals.size).toBeGreaterThan(10);
  });
});
