import { describe, expect, it } from 'vitest';
import { PlanError } from '../src/errors.js';
import { cascade } from '../src/plans/builders.js';
import type { RoundsPlan } from '../src/plans/plan.js';
import { cascadeInput, spawnCascadeStages } from './support/cascade.js';
import { startRuntime } from './support/runtime.js';

describe('run() and runShared() given a plan that is not a rounds plan', () => {
  it('refuse it with a PlanError naming its kind, before any feed enters the arena', async () => {
    const runtime = await startRuntime();
    await spawnCascadeStages(runtime, ['small', 'large']);
    const plan = cascade({
      name: 'two stages',
      models: ['small', 'large'],
      thresholds: [0.5],
      input: 'x',
      output: 'logits',
      scorer: { type: 'max-probability' },
    }) as unknown as RoundsPlan;
    const feeds = cascadeInput([[0, 1, 1, 0.9]]);
    const before = runtime.arena.stats().bytesInUse;

    const viaRun = runtime.run(plan, feeds);
    await expect(viaRun).rejects.toBeInstanceOf(PlanError);
    await expect(viaRun).rejects.toThrow('plan "two stages" is a cascade plan: use decode()');
    expect(runtime.arena.stats().bytesInUse).toBe(before);

    const feed = runtime.arena.writeTensor(feeds.x.dtype, feeds.x.dims, feeds.x.data as never);
    await expect(runtime.runShared(plan, { x: feed })).rejects.toThrow(
      'plan "two stages" is a cascade plan: use decode()',
    );
    runtime.arena.release(feed);
    expect(runtime.arena.stats().bytesInUse).toBe(before);
  });
});
