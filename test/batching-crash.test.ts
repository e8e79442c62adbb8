import { describe, expect, it } from 'vitest';
import { withFaultInjection } from '../src/engines/onnx/fault-injection.js';
import { replicasOf } from '../src/engines/test-hooks.js';
import { ActorCrashedError } from '../src/errors.js';
import { sizedModel } from '../src/models/index.js';
import { seededFloats, startRuntime } from './support/runtime.js';

const WIDTH = 32;
const model = sizedModel({ seed: 9, width: WIDTH, layers: 2 });
const feed = (seed: number) => ({
  input: { dtype: 'float32' as const, dims: [2, WIDTH], data: seededFloats(seed, 2 * WIDTH) },
});

describe('a replica that dies mid-batch', () => {
  for (const fault of ['exit', 'exit-holding'] as const) {
    it(`(${fault}) answers every request of the batch once with ActorCrashedError, frees what it wrote, and serves the next batch`, async () => {
      const runtime = await startRuntime();
      const actor = await runtime.spawnModel(
        'batched',
        withFaultInjection({
          model: model.bytes,
          batching: { maxBatch: 4, maxDelayMs: 60_000 },
          restart: { backoffMs: 1 },
        }),
      );
      const restarted = new Promise((resolve) => runtime.events.once('actor:restarted', resolve));
      replicasOf(actor)[0]!.injectFault(fault);
      const answers = await Promise.allSettled([1, 2, 3, 4].map((seed) => actor.run(feed(seed))));
      for (const answer of answers) {
        expect(answer.status).toBe('rejected');
        expect((answer as PromiseRejectedResult).reason).toBeInstanceOf(ActorCrashedError);
      }
      await restarted;
      expect(actor.stats()).toMatchObject({ runs: 0, failures: 4, duplicates: 0, restarts: 1 });
      if (fault === 'exit-holding') expect(actor.stats().reclaimedBytes).toBeGreaterThan(0);
      const again = await Promise.all([5, 6, 7, 8].map((seed) => actor.run(feed(seed))));
      expect(again.map((r) => r.output!.dims)).toEqual(Array(4).fill([2, WIDTH]));
      expect(runtime.arena.stats().bytesInUse).toBe(0);
    });
  }
});
