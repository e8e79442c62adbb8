import { expect, test } from 'vitest';
import { Arena, type TensorDescriptor } from '../src/tensor/index.js';

test("the arena's own descriptors cannot be changed, so a check uses them as they are", () => {
  const arena = Arena.create({ slabSize: 64 * 1024 });
  const d = arena.writeTensor('float32', [2], new Float32Array([1, 2]));
  expect(Object.isFrozen(d)).toBe(true);
  expect(Object.isFrozen(d.dims)).toBe(true);
  expect(() => {
    (d as { gen: number }).gen = d.gen + 1;
  }).toThrow(TypeError);
  expect(() => (d.dims as number[]).push(3)).toThrow(TypeError);
  expect(arena.check(d)).toBe(d);
});

test('an object that only looks like one of them (a proxy, a spread copy) is read once into a copy', () => {
  const arena = Arena.create({ slabSize: 64 * 1024 });
  const d = arena.writeTensor('float32', [2], new Float32Array([1, 2]));
  const reads: string[] = [];
  const proxy = new Proxy(d, {
    get(target, key, receiver) {
      if (typeof key === 'string') reads.push(key);
      return Reflect.get(target, key, receiver);
    },
  }) as TensorDescriptor;
  const checked = arena.check(proxy);
  const readByCheck = [...reads].sort();
  expect(readByCheck).toEqual(['byteLength', 'dims', 'dtype', 'gen', 'offset', 'slab']);
  expect(Object.isFrozen(checked)).toBe(false);
  expect(checked).toEqual({ ...d });

  const spread = { ...d };
  expect(arena.check(spread)).not.toBe(spread);
  arena.release(spread);
  expect(() => arena.check(d)).toThrow(/stale|released|gen/);
});
