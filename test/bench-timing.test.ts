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

  it('shuffled, draw the order of each turn afresh from the seed, so that no task always follows the same other', async () => {
    const orders = async (seed: number) => {
      const log: number[] = [];
      await interleaved(
        [0, 1, 2].map((i) => async () => log.push(i)),
        { timeMs: 0, minSamples: 60, warmupMs: 0 },
        { shuffled: seed },
      );
      return log;
    };
    const log = await orders(21);
    const turns = Array.from({ length: log.length / 3 }, (_, t) => log.slice(3 * t, 3 * t + 3));
    // Every turn calls each task once.
    for (const turn of turns) expect([...turn].sort()).toEqual([0, 1, 2]);
    // Within turns, each task comes right after each of the others at least once.
    const follows = new Set(turns.flatMap((t) => [`${t[0]}>${t[1]}`, `${t[1]}>${t[2]}`]));
    expect([...follows].sort()).toEqual(['0>1', '0>2', '1>0', '1>2', '2>0', '2>1']);
    // The same seed gives the same orders.
    expect(await orders(21)).toEqual(log);
  });
});
