import { describe, expect, it } from 'vitest';
import { ArgumentError, FeedError, RoundError } from '../src/errors.js';
import { classifier } from '../src/models/index.js';
import { ensemble } from '../src/plans/builders.js';
import { startRuntime } from './support/runtime.js';

describe('Roundtable.warmUp runs a plan before traffic comes', () => {
  const plan = ensemble({
    name: 'pair',
    models: ['a', 'b'],
    input: 'features',
    output: 'logits',
    fusion: { strategy: 'mean', kind: 'values' },
  });
  const feeds = {
    features: { dtype: 'float32' as const, dims: [1, 8], data: new Float32Array(8).fill(0.25) },
  };

  async function pair() {
    const runtime = await startRuntime();
    const actors = await Promise.all(
      ['a', 'b'].map((name, k) =>
        runtime.spawnModel(name, {
          model: classifier({ seed: 10 + k, inputSize: 8, classes: 3 }).bytes,
          mailbox: { capacity: 1, overflow: 'reject' },
        }),
      ),
    );
    return { runtime, actors };
  }

  it('runs the plan the times it was given, each step answered, the arena left as it was', async () => {
    const { runtime, actors } = await pair();
    const before = runtime.arena.stats().bytesInUse;
    let full = 0;
    runtime.events.on('mailbox:full', () => full++);

    const report = await runtime.warmUp(plan, feeds, { asks: 21, ms: 600_000 });

    expect(report.asks).toBe(21);
    expect(full).toBe(0);
    for (const actor of actors) expect(actor.stats()).toMatchObject({ runs: 21, failures: 0 });
    expect(runtime.arena.stats().bytesInUse).toBe(before);
    const { outputs } = await runtime.run(plan, feeds);
    expect(outputs.fused?.dims).toEqual([1, 3]);
  });

  it("rejects with the first run's error, a round that failed on the models' FeedError", async () => {
    const { runtime, actors } = await pair();
    const before = runtime.arena.stats().bytesInUse;
    const wrong = {
      features: { dtype: 'float32' as const, dims: [1, 5], data: new Float32Array(5) },
    };

    const error = await runtime.warmUp(plan, wrong, { asks: 10 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RoundError);
    expect((error as RoundError).cause).toBeInstanceOf(FeedError);
    expect(String((error as RoundError).cause)).toMatch(
      /input "features" expects dimension 1 to be 8/,
    );
    for (const actor of actors) expect(actor.stats()).toMatchObject({ runs: 0, inFlight: 0 });
    expect(runtime.arena.stats().bytesInUse).toBe(before);
  });

  it('refuses options it cannot use with an ArgumentError naming Roundtable.warmUp', async () => {
    const { runtime } = await pair();

    await expect(runtime.warmUp(plan, feeds, { ms: 0 })).rejects.toThrow(ArgumentError);
    await expect(runtime.warmUp(plan, feeds, { ms: 0 })).rejects.toThrow(
      /Roundtable\.warmUp: options\.ms must be an integer ≥ 1, got 0/,
    );
  });
});
