import { describe, expect, it } from 'vitest';
import { classifier } from '../src/models/index.js';
import { seededFloats, startRuntime } from './support/runtime.js';

// onnxruntime-node 1.21 crashed with several sessions on worker threads (upstream issue 24486);
// this keeps four model workers running at once under test.
describe('several model workers at once', () => {
  it('runs four actors and a replicated actor concurrently with correct, independent results', async () => {
    const runtime = await startRuntime();
    const models = [11, 12, 13, 14].map((seed) =>
      classifier({ seed, inputSize: 32, hidden: 64, classes: 8 }),
    );
    const actors = await Promise.all(
      models.map((m, k) => runtime.spawnModel(`m${k}`, { model: m.bytes })),
    );
    const replicated = await runtime.spawnModel('replicated', {
      model: models[0]!.bytes,
      replicas: 2,
    });
    const input = {
      features: { dtype: 'float32' as const, dims: [2, 32], data: seededFloats(5, 64) },
    };

    const alone = await Promise.all(actors.map((actor) => actor.run(input)));
    const together = await Promise.all([
      ...actors.flatMap((actor) => [actor.run(input), actor.run(input)]),
      ...Array.from({ length: 8 }, () => replicated.run(input)),
    ]);

    for (let k = 0; k < 4; k++) {
      expect(together[2 * k]?.logits?.data).toEqual(alone[k]?.logits?.data);
      expect(together[2 * k + 1]?.logits?.data).toEqual(alone[k]?.logits?.data);
    }
    for (const result of together.slice(8))
      expect(result.logits?.data).toEqual(alone[0]?.logits?.data);
    // Different seeds make different models.
    expect(alone[0]?.logits?.data).not.toEqual(alone[1]?.logits?.data);
    expect(replicated.stats().runs).toBe(8);
    expect(runtime.arena.stats().bytesInUse).toBe(0);
  });
});
