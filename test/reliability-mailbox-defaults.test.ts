import { describe, expect, it } from 'vitest';
import { classifier } from '../src/models/index.js';
import { ensemble } from '../src/plans/builders.js';
import { seededFloats, startRuntime } from './support/runtime.js';

describe('the default mailboxes', () => {
  it("serve 200 concurrent runs of the README's service example without MailboxFullError", async () => {
    const runtime = await startRuntime();
    const names = ['a', 'b', 'c'];
    await Promise.all(
      names.map((name, k) =>
        runtime.spawnModel(name, {
          model: classifier({ seed: 40 + k, inputSize: 64, hidden: 32, classes: 10 }).bytes,
          replicas: 1,
        }),
      ),
    );
    const plan = ensemble({
      name: 'classify',
      models: names,
      input: 'features',
      output: 'logits',
      fusion: { strategy: 'mean', kind: 'logits', weights: [0.5, 0.25, 0.25] },
    });
    const runs = Array.from({ length: 200 }, (_, i) =>
      runtime.run(plan, {
        features: { dtype: 'float32', dims: [1, 64], data: seededFloats(i, 64) },
      }),
    );
    const outcomes = await Promise.allSettled(runs);
    const failures = outcomes.filter((o) => o.status === 'rejected');
    expect(failures).toEqual([]);
    expect(runtime.arena.stats().bytesInUse).toBe(0);
  });
});
