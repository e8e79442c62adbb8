import { describe, expect, it } from 'vitest';
import { cascade } from '../src/plans/builders.js';
import { cascadeInput, spawnCascadeStages } from './support/cascade.js';
import { startRuntime } from './support/runtime.js';

describe('a cascade trace', () => {
  it('names per segment the model that answered, each stage score and decision, and what it cost', async () => {
    const runtime = await startRuntime();
    await spawnCascadeStages(runtime, ['small', 'large']);
    // Segment 0 is confident at the small model (logit 6 against mark −1), segment 1 is not (0 vs −1).
    const rows = [
      [0, 6, 2],
      [1, 0, 3],
    ];
    const plan = cascade({
      name: 'two stages',
      models: ['small', 'large'],
      thresholds: [Math.log(0.9)],
      costs: [1, 8],
      input: 'x',
      output: 'logits',
      scorer: { type: 'mean-logprob' },
    });
    const { trace } = await runtime.cascade(plan, cascadeInput(rows));
    expect(trace.plan).toBe('two stages');
    const [stopped, escalated] = trace.segments;

    expect(stopped!.actor).toBe('small');
    expect(stopped!.visits.map((v) => [v.actor, v.decision])).toEqual([['small', 'stop']]);
    // log softmax of the top logit of [6, −1]: −log(1 + e^−7).
    expect(stopped!.visits[0]!.score).toBeCloseTo(-Math.log1p(Math.exp(-7)), 6);
    expect(stopped!.cost).toBe(1);

    expect(escalated!.actor).toBe('large');
    expect(escalated!.visits.map((v) => [v.actor, v.decision])).toEqual([
      ['small', 'escalate'],
      ['large', 'last'],
    ]);
    expect(escalated!.visits[0]!.score).toBeCloseTo(-Math.log1p(Math.exp(-1)), 6);
    // The last stage answers whatever reaches it: it is not scored.
    expect(escalated!.visits[1]!.score).toBeNaN();
    expect(escalated!.cost).toBe(9);

    // Compute: each stage's measured run time, shared among the rows it ran.
    const [small, large] = trace.stages;
    expect(small).toMatchObject({ actor: 'small', rows: 2, escalated: 1, cost: 1 });
    expect(large).toMatchObject({ actor: 'large', rows: 1, escalated: 0, cost: 8 });
    expect(small!.runMs).toBeGreaterThan(0);
    expect(stopped!.computeMs).toBeCloseTo(small!.runMs / 2, 9);
    expect(escalated!.computeMs).toBeCloseTo(small!.runMs / 2 + large!.runMs, 9);
  });
});
