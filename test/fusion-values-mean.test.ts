import { describe, expect, it } from 'vitest';
import { TensorFusion } from '../src/engines/fusion/fuse-tensors.js';
import { FusionError } from '../src/errors.js';
import { Arena } from '../src/tensor/index.js';

const dims = [2, 3];

describe('the weighted mean of plain values (kind "values")', () => {
  it('averages by weight and reports each input’s mean distance to the result', () => {
    const arena = Arena.create();
    const a = arena.writeTensor('float32', dims, new Float32Array([1, 2, 3, 4, 5, 6]));
    const b = arena.writeTensor('float32', dims, new Float32Array([3, 2, 1, 0, -1, -2]));
    const reply = new TensorFusion(arena).fuse({
      strategy: 'mean',
      kind: 'values',
      inputs: [a, b],
      weights: [3, 1],
      temperatures: [1, 1],
    });
    const fused = Array.from(arena.readTensor(reply.output).data as Float32Array);
    const expected = [1, 2, 3, 4, 5, 6].map((x, i) => (3 * x + [3, 2, 1, 0, -1, -2][i]!) / 4);
    fused.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 6));
    const distance = (x: number[]) => x.reduce((s, v, i) => s + Math.abs(v - fused[i]!), 0) / 6;
    expect(reply.divergence![0]).toBeCloseTo(distance([1, 2, 3, 4, 5, 6]), 6);
    expect(reply.divergence![1]).toBeCloseTo(distance([3, 2, 1, 0, -1, -2]), 6);
    expect(reply.agreement).toBeUndefined();
    for (const d of [a, b, reply.output]) arena.release(d);
    expect(arena.stats().bytesInUse).toBe(0);
  });

  it('names the input and the first element that is not finite, and keeps no output', () => {
    const arena = Arena.create();
    const a = arena.writeTensor('float32', dims, new Float32Array([1, 2, 3, 4, 5, 6]));
    const b = arena.writeTensor('float32', dims, new Float32Array([0, 0, 0, Number.NaN, 0, 1 / 0]));
    const fuse = () =>
      new TensorFusion(arena).fuse(
        { strategy: 'mean', kind: 'values', inputs: [a, b], weights: [1, 1], temperatures: [1, 1] },
        'fusion "f"',
      );
    expect(fuse).toThrow(FusionError);
    expect(fuse).toThrow('fusion "f": input 1 holds NaN at element 3; fusion needs finite values');
    arena.release(a);
    arena.release(b);
    expect(arena.stats().bytesInUse).toBe(0);
  });
});
