import { describe, expect, it } from 'vitest';
import { pairedRatio } from '../bench/spread.js';
import { completedIn, PER_SECOND, throughputInTurns } from '../bench/throughput-turns.js';

describe('throughput in turns', () => {
  it('gives each way one window per round, and each way every place in the order equally often', async () => {
    // The ways in the order their windows ran: a call of another way than the last starts one.
    const order: number[] = [];
    const way = (w: number) => async () => {
      if (order.at(-1) !== w) order.push(w);
      await new Promise((resolve) => setImmediate(resolve));
    };
    const windows = await throughputInTurns([way(0), way(1), way(2)], {
      inFlight: 1,
      windowMs: 5,
      rounds: 6,
    });
    expect(windows.map((w) => w.length)).toEqual([6, 6, 6]);
    for (const w of windows.flat()) {
      expect(w.completed).toBeGreaterThan(0);
      expect(w.perSecond).toBeGreaterThan(0);
    }
    const starts = Array.from({ length: order.length / 3 }, (_, r) =>
      order.slice(3 * r, 3 * r + 3),
    );
    expect(starts).toHaveLength(6);
    // Place p of round r is way (p + r) % 3: over six rounds each way is first, second and last twice.
    for (let w = 0; w < 3; w++)
      for (let place = 0; place < 3; place++)
        expect(starts.filter((order) => order[place] === w)).toHaveLength(2);
  });

  it('are compared round by round, and count every call completed', () => {
    const ours = [
      { perSecond: 90, completed: 90 },
      { perSecond: 50, completed: 50 },
    ];
    const theirs = [
      { perSecond: 100, completed: 100 },
      { perSecond: 40, completed: 40 },
    ];
    // 0.9 and 1.25: a slow round slows both ways, and the ratio of each round stands on its own.
    const spread = pairedRatio(ours, theirs, PER_SECOND, 0)!;
    expect(spread.min).toBeCloseTo(0.9, 9);
    expect(spread.max).toBeCloseTo(1.25, 9);
    expect(completedIn(ours)).toBe(140);
  });
});
