import { afterEach, describe, expect, it, vi } from 'vitest';
import { MODEL_SIZES, sizedModel } from '../src/models/sized-model.js';
import { fusionOf } from '../src/runtime/fusion-access.js';
import { longTimeout, MAX_TIMER_DELAY } from '../src/util/long-timeout.js';
import { startRuntime } from './support/runtime.js';

const HUGE = [2 ** 31, 2 ** 40, Number.POSITIVE_INFINITY];

describe('timeouts beyond what one setTimeout honours', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('longTimeout fires at its delay however long, and never for Infinity', () => {
    vi.useFakeTimers();
    const fired: number[] = [];
    const start = Date.now();
    longTimeout(MAX_TIMER_DELAY + 10, () => fired.push(Date.now() - start));
    longTimeout(Number.POSITIVE_INFINITY, () => fired.push(-1));
    vi.advanceTimersByTime(MAX_TIMER_DELAY);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(10);
    expect(fired).toEqual([MAX_TIMER_DELAY + 10]);
    vi.advanceTimersByTime(4 * MAX_TIMER_DELAY);
    expect(fired).toEqual([MAX_TIMER_DELAY + 10]);
  });

  it('a model actor call with such a timeout is answered, not timed out', async () => {
    const runtime = await startRuntime();
    const width = MODEL_SIZES.medium.width;
    const actor = await runtime.spawnModel('medium', {
      model: sizedModel({ ...MODEL_SIZES.medium, seed: 7 }).bytes,
    });
    const batch = 8;
    const input = {
      dtype: 'float32' as const,
      dims: [batch, width],
      data: new Float32Array(batch * width),
    };
    for (const timeout of HUGE) {
      const result = await actor.run({ input }, { timeout });
      expect(result.output!.dims).toEqual([batch, width]);
    }
  });

  it('a fusion with such a timeout is answered, not timed out', async () => {
    const runtime = await startRuntime();
    const arena = runtime.arena;
    const size = 1 << 20;
    const inputs = [1, 2, 3].map((k) =>
      arena.writeTensor('float32', [size], new Float32Array(size).fill(k)),
    );
    for (const timeout of HUGE) {
      const fused = await fusionOf(runtime).fuse(
        {
          strategy: 'mean',
          kind: 'values',
          inputs,
          weights: [1 / 3, 1 / 3, 1 / 3],
          temperatures: [1, 1, 1],
        },
        { timeout },
      );
      expect((arena.view(fused.output) as Float32Array)[0]).toBeCloseTo(2, 5);
      arena.release(fused.output);
    }
    for (const input of inputs) arena.release(input);
    expect(arena.stats().bytesInUse).toBe(0);
  });
});
