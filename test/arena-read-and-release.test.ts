import { describe, expect, it } from 'vitest';
import { DescriptorError } from '../src/errors.js';
import { Arena } from '../src/tensor/index.js';

describe('Arena.readAndRelease', () => {
  it('returns a private copy and gives the block back; the descriptor is stale afterwards', () => {
    const arena = Arena.create({ slabSize: 65536 });
    const d = arena.writeTensor('float32', [2, 3], new Float32Array([1, 2, 3, 4, 5, 6]));
    const host = arena.readAndRelease(d);
    expect(host.dtype).toBe('float32');
    expect(host.dims).toEqual([2, 3]);
    expect(Array.from(host.data as Float32Array)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(host.data.buffer).toBeInstanceOf(ArrayBuffer);
    expect(arena.stats().liveAllocations).toBe(0);
    expect(() => arena.readAndRelease(d)).toThrow(DescriptorError);
    expect(() => arena.release(d)).toThrow(DescriptorError);
  });

  it('releases nothing for a forged descriptor, and strings come back too', () => {
    const arena = Arena.create({ slabSize: 65536 });
    const kept = arena.writeTensor('int32', [1], new Int32Array([7]));
    expect(() => arena.readAndRelease({ ...kept, gen: kept.gen + 1 })).toThrow(DescriptorError);
    expect(arena.stats().liveAllocations).toBe(1);
    const s = arena.writeTensor('string', [2], ['a', 'bé']);
    expect(arena.readAndRelease(s).data).toEqual(['a', 'bé']);
    expect(arena.stats().liveAllocations).toBe(1);
    arena.release(kept);
  });
});
