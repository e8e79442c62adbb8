import { describe, expect, it } from 'vitest';
import { cascade } from '../src/plans/builders.js';
import { cascadeInput, spawnCascadeStages } from './support/cascade.js';
import { startRuntime } from './support/runtime.js';

/** The top-class probability of logits [v, mark]: what `max-probability` reads, in float64. */
function topProbability(v: number, mark: number): number {
  const p = 1 / (1 + Math.exp(-(Math.fround(v) - mark)));
  return Math.max(p, 1 - p);
}

describe('a cascade plan', () => {
  it('escalates a row exactly when its score is below the stage threshold, and only escalated rows reach later stages', async () => {
    const runtime = await startRuntime();
    const stages = await spawnCascadeStages(runtime, ['s0', 's1', 's2']);
    // Row = [segment id, logit at stage 0, at stage 1, at stage 2].
    const rows = [
      [0, 4, 0, 0],
      [1, -1, 3, 0],
      [2, -1, -2, 1],
      [3, 2.5, 0, 0],
      [4, -0.5, -1.5, 0],
      [5, 0.3, 2, 0],
    ];
    const thresholds = [0.9, 0.95];
    const plan = cascade({
      name: 'three stages',
      models: ['s0', 's1', 's2'],
      thresholds,
      input: 'x',
      output: 'logits',
      scorer: { type: 'max-probability' },
    });
    const result = await runtime.cascade(plan, cascadeInput(rows));

    // Who should answer each row, decided here from the same scores, independently of the runner.
    const expectedStage = rows.map((row) => {
      for (let s = 0; s < thresholds.length; s++)
        if (topProbability(row[1 + s]!, -s - 1) >= thresholds[s]!) return s;
      return thresholds.length;
    });
    expect(new Set(expectedStage)).toEqual(new Set([0, 1, 2])); // the data exercises every stage
    const answer = result.outputs.logits!.data as Float32Array;
    rows.forEach((row, r) => {
      const s = expectedStage[r]!;
      expect(result.trace.segments[r]!.stage).toBe(s);
      expect(result.trace.segments[r]!.actor).toBe(`s${s}`);
      // The output row is the answering stage's: its logit and its mark.
      expect([answer[r * 2], answer[r * 2 + 1]]).toEqual([Math.fround(row[1 + s]!), -s - 1]);
    });

    // Each stage ran on exactly the rows every earlier stage escalated, once each.
    const seen = await Promise.all(stages.map((actor) => actor.ref.seen()));
    for (let s = 0; s < 3; s++) {
      const reached = rows.filter((_, r) => expectedStage[r]! >= s).map((row) => row[0]);
      expect([...seen[s]!].sort()).toEqual(reached.sort());
    }
    expect(seen[0]).toHaveLength(rows.length);
    expect(seen[2]!.length).toBeLessThan(seen[1]!.length);
    expect(runtime.arena.stats().bytesInUse).toBe(0);
  });
});
