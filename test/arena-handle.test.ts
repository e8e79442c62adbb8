import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import { expect, test } from 'vitest';
import { ArenaClosedError, DescriptorError } from '../src/errors.js';
import { Arena, type ArenaHandle } from '../src/tensor/index.js';

/** Posts a value through a real MessagePort, as it would travel to a worker. */
function post<T>(value: T): T {
  const { port1, port2 } = new MessageChannel();
  port1.postMessage(value);
  const received = receiveMessageOnPort(port2)!.message as T;
  port1.close();
  return received;
}

test('a handle posted through a MessagePort maps the same memory', () => {
  const main = Arena.create({ slabSize: 4096, maxBytes: 64 * 1024 });
  const d = main.writeTensor('float32', [3], Float32Array.of(1, 2, 3));
  const handle = post(main.handle());
  expect(handle.control).toBeInstanceOf(SharedArrayBuffer);
  const worker = Arena.attach(handle);
  const view = worker.view(post(d));
  view[1] = 20;
  expect(Array.from(main.view(d))).toEqual([1, 20, 3]);
  expect(worker.slabSize).toBe(4096);
  expect(worker.maxBytes).toBe(64 * 1024);
});

test('a slab announced through onSlabCreated can be attached elsewhere, more than once', () => {
  const main = Arena.create({ slabSize: 4096, maxBytes: 64 * 1024 });
  const worker = Arena.attach(post(main.handle()));
  const announcements: { id: number; buffer: SharedArrayBuffer }[] = [];
  worker.onSlabCreated((slab) => announcements.push(post(slab)));
  worker.allocate(4096);
  const d = worker.writeTensor('uint16', [2], Uint16Array.of(7, 9));
  expect(announcements.map((a) => a.id)).toEqual([1]);
  expect(main.hasSlab(1)).toBe(false);
  const [slab] = announcements;
  main.attachSlab(slab!.id, slab!.buffer);
  main.attachSlab(slab!.id, post(slab!.buffer)); // a second announcement is harmless
  expect(main.hasSlab(1)).toBe(true);
  expect(Array.from(main.readTensor(d).data)).toEqual([7, 9]);
  expect(main.stats().attachedSlabs).toBe(2);
});

test('attaching a buffer that is not the named slab is refused', () => {
  const main = Arena.create({ slabSize: 4096, maxBytes: 64 * 1024 });
  const [slab0] = main.handle().slabs;
  const other = Arena.attach(main.handle());
  expect(() => other.attachSlab(3, slab0!.buffer)).toThrow(/the buffer is slab 0, not 3/);
  expect(() => other.attachSlab(1, new SharedArrayBuffer(8192))).toThrow(
    expect.objectContaining({ code: 'ERR_ARGUMENT', argument: 'buffer' }),
  );
  expect(() => other.attachSlab(5000, slab0!.buffer)).toThrow(
    expect.objectContaining({ code: 'ERR_ARGUMENT', argument: 'id' }),
  );
  expect(() => Arena.attach({ control: new SharedArrayBuffer(1024), slabs: [] })).toThrow(
    expect.objectContaining({ code: 'ERR_ARGUMENT', argument: 'handle.control' }),
  );
  expect(() => Arena.attach({} as ArenaHandle)).toThrow(
    expect.objectContaining({ code: 'ERR_ARGUMENT', argument: 'handle.slabs' }),
  );
});

test('an unsubscribed listener hears nothing; a closed arena refuses use', () => {
  const arena = Arena.create({ slabSize: 4096, maxBytes: 64 * 1024 });
  let heard = 0;
  const off = arena.onSlabCreated(() => heard++);
  off();
  arena.allocate(4096);
  arena.allocate(64);
  expect(heard).toBe(0);
  const d = arena.allocate(64);
  arena.close();
  expect(() => arena.allocate(64)).toThrow(ArenaClosedError);
  expect(() => arena.allocate(64)).toThrow(/arena is closed/);
  expect(() => arena.view(d)).toThrow(/arena is closed/);
});

test('a listener that throws fails the allocation that added the slab, leaking nothing', () => {
  const arena = Arena.create({ slabSize: 4096, maxBytes: 64 * 1024 });
  arena.allocate(4096);
  arena.onSlabCreated(() => {
    throw new Error('could not announce');
  });
  expect(() => arena.allocate(64)).toThrow('could not announce');
  expect(arena.stats()).toMatchObject({ liveAllocations: 1, slabCount: 2 });
  // The slab stays usable here.
  expect(arena.allocate(64).slab).toBe(1);
  expect(() =>
    arena.view({ slab: 1, offset: 0, byteLength: 0, gen: 1, dtype: 'uint8', dims: [0] }),
  ).toThrow(DescriptorError);
});
