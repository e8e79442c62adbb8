import fc from 'fast-check';
import { expect, test } from 'vitest';
import { ArenaFullError } from '../src/errors.js';
import { Arena, type TensorDescriptor } from '../src/tensor/index.js';

const SLAB = 4096;
const MAX = 64 * 1024;

type Op = { kind: 'alloc'; size: number } | { kind: 'release'; pick: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('alloc' as const),
    // Tiny, within a slab, and larger than a slab (a slab of its own).
    size: fc.oneof(fc.nat(130), fc.nat(SLAB), fc.integer({ min: SLAB + 1, max: 5 * SLAB })),
  }),
  fc.record({ kind: fc.constant('release' as const), pick: fc.nat() }),
);

interface Live {
  readonly d: TensorDescriptor<'uint8'>;
  readonly block: number;
  readonly stamp: number;
}

/** The block a request gets: the next power of two, at least 64 bytes. */
const blockOf = (size: number) => Math.max(64, 2 ** Math.ceil(Math.log2(Math.max(size, 1))));

test('random allocate/release sequences never overlap, keep stats exact and return to zero', () => {
  fc.assert(
    fc.property(fc.array(op, { maxLength: 160 }), (ops) => {
      const arena = Arena.create({ slabSize: SLAB, maxBytes: MAX });
      const live: Live[] = [];
      let highWater = 0;
      let allocations = 0;
      let stamp = 0;
      for (const o of ops) {
        if (o.kind === 'alloc') {
          let d: TensorDescriptor<'uint8'>;
          try {
            d = arena.allocate(o.size);
          } catch (error) {
            // Full only when no slab had room and a new one would pass maxBytes.
            expect(error).toBeInstanceOf(ArenaFullError);
            const s = arena.stats();
            expect(s.bytesReserved + Math.max(SLAB, blockOf(o.size))).toBeGreaterThan(MAX);
            expect((error as Error).message).toContain(`cannot allocate ${o.size} bytes`);
            expect((error as Error).message).toContain(`${s.bytesInUse} bytes in use`);
            expect((error as Error).message).toContain(`maxBytes ${MAX}`);
            continue;
          }
          allocations++;
          stamp++;
          // Stamp the block's first and last byte: an overlapping block would overwrite them.
          const bytes = arena.view(d);
          if (bytes.length > 0) {
            bytes[0] = stamp & 255;
            bytes[bytes.length - 1] = (stamp >> 8) & 255;
          }
          live.push({ d, block: blockOf(o.size), stamp });
        } else if (live.length > 0) {
          const [gone] = live.splice(o.pick % live.length, 1);
          arena.release(gone!.d);
        }
        const inUse = live.reduce((sum, l) => sum + l.block, 0);
        highWater = Math.max(highWater, inUse);
        const s = arena.stats();
        expect(s.bytesInUse).toBe(inUse);
        expect(s.liveAllocations).toBe(live.length);
        expect(s.allocations).toBe(allocations);
        expect(s.releases).toBe(allocations - live.length);
        expect(s.highWaterBytes).toBe(highWater);
        expect(s.bytesReserved).toBeLessThanOrEqual(MAX);
        expect(s.attachedSlabs).toBe(s.slabCount);
        // No two live blocks overlap, and each is aligned to its own size within its slab.
        const sorted = [...live].sort((a, b) => a.d.slab - b.d.slab || a.d.offset - b.d.offset);
        for (let i = 1; i < sorted.length; i++) {
          const a = sorted[i - 1]!;
          const b = sorted[i]!;
          if (a.d.slab === b.d.slab) expect(a.d.offset + a.block).toBeLessThanOrEqual(b.d.offset);
        }
      }
      for (const l of live) {
        const bytes = arena.view(l.d);
        if (bytes.length > 0) {
          expect(bytes[0]).toBe(l.stamp & 255);
          expect(bytes[bytes.length - 1]).toBe((l.stamp >> 8) & 255);
        }
        arena.release(l.d);
      }
      const end = arena.stats();
      expect(end.bytesInUse).toBe(0);
      expect(end.liveAllocations).toBe(0);
      expect(end.releases).toBe(end.allocations);
      // With everything freed, the buddies have merged back: a whole slab fits again.
      const whole = arena.allocate(SLAB);
      arena.release(whole);
    }),
    { seed: 0x5eed, numRuns: 150 },
  );
});
