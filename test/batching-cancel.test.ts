import { describe, expect, it } from 'vitest';
import { AbortError, TimeoutError } from '../src/errors.js';
import { sizedModel } from '../src/models/index.js';
import { seededFloats, startRuntime } from './support/runtime.js';

const WIDTH = 64;
const model = sizedModel({ seed: 5, width: WIDTH, layers: 4 });
const feed = (seed: number) => ({
  input: { dtype: 'float32' as const, dims: [1, WIDTH], data: seededFloats(seed, WIDTH) },
});

describe('timeouts and aborts of one request in a batch', () => {
  it('answer that request alone, queued or running; the others get their rows; late rows are freed', async () => {
    const runtime = await startRuntime();
    const actor = await runtime.spawnModel('batched', {
      model: model.bytes,
      batching: { maxBatch: 4, maxDelayMs: 60_000 },
    });
    const plain = await runtime.spawnModel('plain', { model: model.bytes });

    // Waiting for the batch to fill: a timeout and an abort take them out of line.
    const timedOut = actor.run(feed(1), { timeout: 5 });
    const queuedAbort = new AbortController();
    const aborted = actor.run(feed(2), { signal: queuedAbort.signal });
    queuedAbort.abort();
    await expect(aborted).rejects.toThrow(/aborted \(queued\)/);
    await expect(timedOut).rejects.toThrow(TimeoutError);
    expect(actor.stats().queued).toBe(0);

    // Four fill a batch, which starts at once; one of them is then aborted while it runs. The
    // feeds stay in the arena until the end (run() would free an aborted call's feed at once,
    // under the worker's feet, and the batch would fail and be rerun one by one).
    const arena = runtime.arena;
    const feeds = [3, 4, 5, 6].map((seed) => ({
      input: arena.writeTensor('float32', [1, WIDTH], feed(seed).input.data),
    }));
    const runningAbort = new AbortController();
    const calls = feeds.map((f, i) =>
      actor.runShared(f, i === 1 ? { signal: runningAbort.signal } : {}),
    );
    expect(actor.stats().inFlight).toBe(4);
    runningAbort.abort();
    await expect(calls[1]).rejects.toThrow(AbortError);
    for (const i of [0, 2, 3]) {
      const got = await calls[i]!;
      expect(got.stats.batch).toBe(4);
      const alone = await plain.run(feed(3 + i));
      expect(Array.from(arena.view(got.outputs.output!) as Float32Array)).toEqual(
        Array.from(alone.output!.data as Float32Array),
      );
      arena.release(got.outputs.output!);
    }
    await actor.idle();
    for (const f of feeds) arena.release(f.input);
    expect(actor.stats()).toMatchObject({ runs: 3, failures: 3, late: 1, duplicates: 0 });
    expect(runtime.arena.stats().bytesInUse).toBe(0);
  });
});
