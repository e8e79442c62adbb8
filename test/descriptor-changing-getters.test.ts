import { expect, test } from 'vitest';
import { DescriptorError } from '../src/errors.js';
import { Arena, type TensorDescriptor } from '../src/tensor/index.js';

/**
 * A descriptor whose every field answers the checked tensor's value the first time it is read,
 * and another tensor's value after: the arena must use the values it checked.
 */
function turncoat(checked: TensorDescriptor, other: TensorDescriptor): TensorDescriptor {
  const reads = new Map<string, number>();
  const field = (name: keyof TensorDescriptor) => () => {
    const n = reads.get(name) ?? 0;
    reads.set(name, n + 1);
    return n === 0 ? checked[name] : other[name];
  };
  const dims = [...checked.dims];
  let dimReads = 0;
  const changingDims = new Proxy(dims, {
    get(target, key, receiver) {
      if (typeof key === 'string' && /^\d+$/.test(key) && dimReads++ >= checked.dims.length)
        return (other.dims as number[])[Number(key)];
      return Reflect.get(target, key, receiver);
    },
  });
  return Object.defineProperties({} as TensorDescriptor, {
    slab: { get: field('slab'), enumerable: true },
    offset: { get: field('offset'), enumerable: true },
    byteLength: { get: field('byteLength'), enumerable: true },
    gen: { get: field('gen'), enumerable: true },
    dtype: { get: field('dtype'), enumerable: true },
    dims: { get: () => changingDims, enumerable: true },
  });
}

test('a descriptor whose getters change after the check reads and releases only what was checked', () => {
  const arena = Arena.create({ slabSize: 64 * 1024 });
  const mine = arena.writeTensor('float32', [2], new Float32Array([1, 2]));
  const secret = arena.writeTensor('float32', [4], new Float32Array([7, 7, 7, 7]));

  expect(Array.from(arena.view(turncoat(mine, secret)) as Float32Array)).toEqual([1, 2]);
  expect(Array.from(arena.readTensor(turncoat(mine, secret)).data as Float32Array)).toEqual([1, 2]);
  expect(Array.from(arena.copyInto(turncoat(mine, secret), new Float32Array(2)))).toEqual([1, 2]);
  const checked = arena.check(turncoat(mine, secret));
  expect(checked).toEqual({ ...mine, dims: [2] });

  // Release frees the checked block, not the other one.
  arena.release(turncoat(mine, secret));
  expect(() => arena.check(mine)).toThrow(DescriptorError);
  expect(Array.from(arena.view(secret) as Float32Array)).toEqual([7, 7, 7, 7]);
  arena.release(secret);
  expect(arena.stats().bytesInUse).toBe(0);
});
