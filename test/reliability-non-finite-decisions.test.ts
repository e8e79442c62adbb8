import { describe, expect, it } from 'vitest';
import { RoundError } from '../src/errors.js';
import type { RoundsPlan } from '../src/plans/plan.js';
import { startRuntime } from './support/runtime.js';

const delay = new URL('./fixtures/custom-delay.ts', import.meta.url);

function feed(values: number[]) {
  return {
    in: { dtype: 'float32' as const, dims: [values.length], data: new Float32Array(values) },
  };
}

describe('a decision never reads NaN or Infinity silently', () => {
  it('a stop condition over a tensor with NaN or ±Infinity is a RoundError naming the tensor', async () => {
    const runtime = await startRuntime();
    await runtime.spawnCustom('copy', { module: delay, options: { delayMs: 0, factor: 1 } });
    const plan: RoundsPlan = {
      kind: 'rounds',
      name: 'confident',
      inputs: ['in'],
      outputs: ['confidence'],
      rounds: [
        {
          steps: [{ actor: 'copy', inputs: { in: 'in' }, outputs: { out: 'confidence' } }],
          stop: { tensor: 'confidence', atLeast: 0.5, reduce: 'min' },
        },
        { steps: [{ actor: 'copy', inputs: { in: 'in' }, outputs: { out: 'confidence' } }] },
      ],
    };
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      const run = runtime.run(plan, feed([0.9, bad]));
      await expect(run).rejects.toBeInstanceOf(RoundError);
      await expect(run).rejects.toThrow(/stop tensor "confidence": element 1 is/);
    }
    const fine = await runtime.run(plan, feed([0.9, 0.7]));
    expect(fine.trace.rounds).toHaveLength(1);
    expect(runtime.arena.stats().bytesInUse).toBe(0);
  });

  it('a rerank score that is NaN is a RoundError naming the scorer and the candidate', async () => {
    const runtime = await startRuntime();
    await runtime.spawnCustom('a', { module: delay, options: { delayMs: 0, factor: 1 } });
    await runtime.spawnCustom('b', { module: delay, options: { delayMs: 0, factor: 0 } });
    await runtime.spawnCustom('judge', { module: delay, options: { delayMs: 0, factor: 1 } });
    const plan: RoundsPlan = {
      kind: 'rounds',
      name: 'judged',
      inputs: ['in'],
      outputs: ['best'],
      rounds: [
        {
          steps: ['a', 'b'].map((actor) => ({
            actor,
            inputs: { in: 'in' },
            outputs: { out: actor },
          })),
          fusion: {
            strategy: 'rerank',
            inputs: ['a', 'b'],
            output: 'best',
            scorer: { actor: 'judge', input: 'in', output: 'out' },
          },
        },
      ],
    };
    // Candidate a carries the NaN; b (× 0) is NaN too, so no order of comparisons hides it.
    await expect(runtime.run(plan, feed([1, Number.NaN]))).rejects.toThrow(
      /scorer "judge" output "out", element 1, is NaN for candidate 0/,
    );
    expect(runtime.arena.stats().bytesInUse).toBe(0);
  });
});
