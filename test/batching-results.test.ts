import { describe, expect, it } from 'vitest';
import { sizedModel } from '../src/models/index.js';
import { seededFloats, startRuntime } from './support/runtime.js';

const WIDTH = 24;
const model = sizedModel({ seed: 11, width: WIDTH, layers: 3 });
const rowsOf = (i: number) => 1 + (i % 3);
const feed = (i: number) => ({
  input: {
    dtype: 'float32' as const,
    dims: [rowsOf(i), WIDTH],
    data: seededFloats(100 + i, rowsOf(i) * WIDTH),
  },
});

describe('dynamic batching', () => {
  it('stacks concurrent requests into full batches and gives each caller exactly its rows, equal to unbatched runs', async () => {
    const runtime = await startRuntime();
    const plain = await runtime.spawnModel('plain', { model: model.bytes });
    const batched = await runtime.spawnModel('batched', {
      model: model.bytes,
      batching: { maxBatch: 8, maxDelayMs: 10_000 },
    });
    const arena = runtime.arena;
    const shared = Array.from({ length: 16 }, (_, i) => ({
      input: arena.writeTensor('float32', feed(i).input.dims, feed(i).input.data),
    }));
    // All 16 are queued in one tick: the first 8 fill a batch at once, the next 8 the second.
    const replies = await Promise.all(shared.map((feeds) => batched.runShared(feeds)));
    expect(replies.map((r) => r.stats.batch)).toEqual(Array(16).fill(8));
    for (let i = 0; i < 16; i++) {
      const mine = arena.readTensor(replies[i]!.outputs.output!);
      expect(mine.dims).toEqual([rowsOf(i), WIDTH]);
      const alone = await plain.run(feed(i));
      const expected = alone.output!.data as Float32Array;
      const got = mine.data as Float32Array;
      // Bit for bit on this model: each output row depends on its input row only, and ONNX
      // Runtime 1.30's CPU MatMul gave the same sums for a row whatever the batch's rows.
      expect(Array.from(got)).toEqual(Array.from(expected));
      arena.release(replies[i]!.outputs.output!);
      arena.release(shared[i]!.input);
    }
    expect(batched.stats()).toMatchObject({ runs: 16, failures: 0, duplicates: 0 });
    expect(arena.stats().bytesInUse).toBe(0);
  });

  it('runs a lone request after maxDelayMs, and batches what is queued by then, whatever its rows', async () => {
    const runtime = await startRuntime();
    const batched = await runtime.spawnModel('batched', {
      model: model.bytes,
      batching: { maxBatch: 8, maxDelayMs: 5 },
    });
    const arena = runtime.arena;
    const shared = [0, 1, 2].map((i) => ({
      input: arena.writeTensor('float32', feed(i).input.dims, feed(i).input.data),
    }));
    const alone = await batched.runShared(shared[0]!);
    expect(alone.stats.batch).toBeUndefined();
    const replies = await Promise.all(shared.map((feeds) => batched.runShared(feeds)));
    expect(replies.map((r) => r.stats.batch)).toEqual([3, 3, 3]);
    expect(replies.map((r) => r.outputs.output!.dims[0])).toEqual([1, 2, 3]);
    for (const r of [alone, ...replies]) arena.release(r.outputs.output!);
    for (const feeds of shared) arena.release(feeds.input);
    expect(runtime.arena.stats().bytesInUse).toBe(0);
  });
});
