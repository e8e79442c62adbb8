import { describe, expect, it } from 'vitest';
import { InferenceError } from '../src/errors.js';
import { gatherFeeds, gatherModel } from './fixtures/faulty-models.js';
import { startRuntime } from './support/runtime.js';

describe('a batch that fails', () => {
  it('runs its requests again one by one, so only the bad request fails', async () => {
    const runtime = await startRuntime();
    const actor = await runtime.spawnModel('gather', {
      model: gatherModel(),
      batching: { maxBatch: 4, maxDelayMs: 10_000 },
    });
    const plain = await runtime.spawnModel('plain', { model: gatherModel() });
    const bad = [false, false, true, false];
    const answers = await Promise.allSettled(bad.map((b) => actor.run(gatherFeeds(2, b))));
    expect(answers.map((a) => a.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
    ]);
    expect((answers[2] as PromiseRejectedResult).reason).toBeInstanceOf(InferenceError);
    const expected = await plain.run(gatherFeeds(2, false));
    for (const i of [0, 1, 3]) {
      const got = (answers[i] as PromiseFulfilledResult<typeof expected>).value;
      expect(got.picked!.dims).toEqual([2, 2]);
      expect(Array.from(got.picked!.data as Float32Array)).toEqual(
        Array.from(expected.picked!.data as Float32Array),
      );
    }
    // The failed batch, then four runs alone: each message answered once.
    expect(actor.stats()).toMatchObject({ runs: 3, failures: 1, duplicates: 0 });
    expect(runtime.arena.stats().bytesInUse).toBe(0);
  });
});
