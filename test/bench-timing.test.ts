import { describe, expect, it } from 'vitest';
import { interleaved, pairedMedianUs, type Timing } from '../bench/timing.js';

const timing = (inOrderMs?: number[]): Timing => ({
  meanUs: 0,
  p50Us: 0,
  p99Us: 0,
  minUs: 0,
  samples: inOrderMs?.length ?? 0,
  perSecond: 0,
  ...(inOrderMs ? { inOrderMs } : {}),
});

describe('paired comparisons of interleaved timings', () => {
  it('take the median of the per-turn differences, in µs', () => {
    // Turn by turn b − a: 0.1, 0.5, 0.2 ms; a drift that moves both sides alike cancels out.
    expect(pairedMedianUs(timing([1, 2, 30]), timing([1.1, 2.5, 30.2]))).toBeCloseTo(200, 6);
  });

  it('refuse timings without their in-order samples', () => {
    expect(() => pairedMedianUs(timing(), timing([1]))).toThrow(/in-order samples/);
  });

  it('are available from interleaved(), one sample per turn and task, in turn order', async () => {
    let calls = 0;
    const [a, b] = await interleaved([async () => calls++, async () => calls++], {
      timeMs: 1,
      minSamples: 5,
      warmupMs: 0,
    });
    expect(a!.inOrderMs).toHaveLength(a!.samples);
    expect(b!.inOrderMs).toHaveLength(b!.samples);
    expect(a!.samples).toBeGreaterThanOrEqual(5);
    expect(calls).toBe(2 * (a!.samples + 2));
  });
});
