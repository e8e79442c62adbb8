import { describe, expect, it } from 'vitest';
import { runQuality } from '../src/mt/quality/quality-run.js';

describe('the quality report of the cascade engine-a → engine-large', () => {
  it('gives a curve cheapest first with chrF rising, the ratio of its cheapest point within 0.5 chrF of the best engine, and a real run of the learnt threshold', async () => {
    const report = await runQuality({
      testSize: 30,
      devSize: 40,
      trainSize: 200,
      withTm: false,
      concurrency: 8,
    });
    const cascade = report.cascade!;
    expect(cascade.engines.map((e) => e.name)).toEqual(['engine-a', 'engine-large']);
    // engine-large has a quarter of engine-a's own noise: the better engine on held-out text.
    expect(cascade.best.name).toBe('engine-large');
    const { curve } = cascade;
    for (let i = 1; i < curve.length; i++) {
      expect(curve[i]!.computeMs).toBeGreaterThanOrEqual(curve[i - 1]!.computeMs);
      expect(curve[i]!.chrf).toBeGreaterThan(curve[i - 1]!.chrf);
    }
    const within = cascade.withinHalf!;
    expect(within.chrf).toBeGreaterThanOrEqual(cascade.best.chrf - 0.5);
    expect(
      curve
        .filter((p) => p.computeMs < within.computeMs)
        .every((p) => p.chrf < cascade.best.chrf - 0.5),
    ).toBe(true);
    expect(cascade.cascadeComputeVsBest).toBeCloseTo(within.computeMs / cascade.best.computeMs, 12);
    // The learnt threshold ran for real: a segment kept engine-a's answer or went on to engine-large.
    const real = cascade.learnt.test;
    expect(real.escalated).toBeGreaterThanOrEqual(0);
    expect(real.escalated).toBeLessThanOrEqual(1);
    expect(real.chrf).toBeGreaterThan(0);
    // A whole quality run, whose time grows with the machine's load: the bound is for a run that
    // hangs, not for speed.
  }, 240_000);
});
