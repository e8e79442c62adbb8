import { describe, expect, it } from 'vitest';
import { runQuality } from '../src/mt/quality/quality-run.js';
import { SYNTHETIC_ENGINES } from '../src/mt/synthetic/synthetic-engines.js';

describe('quality on the synthetic pair: collaboration against the best single model, held out', () => {
  it('orders the engines by their known noise, and ensemble decoding beats the best of them', async () => {
    const report = await runQuality({
      testSize: 40,
      devSize: 80,
      trainSize: 1000,
      concurrency: 8,
      cascade: false,
    });
    // Dev accuracy alone (no knowledge of the noise) puts the engines in the order of their noise.
    expect(report.engines.map((e) => e.name)).toEqual(SYNTHETIC_ENGINES.map((e) => e.name));
    const row = (system: string, tm = false) =>
      report.rows.find((r) => r.method === system && r.tm === tm)!;
    const engines = report.engines.map((_, k) => row(`engine:${k}`));
    expect(engines[0]!.chrf).toBeGreaterThan(engines[3]!.chrf);
    expect(row('single').chrf).toBe(Math.max(...engines.map((e) => e.chrf)));
    // The claim of the table, on sentences no tuning saw.
    expect(row('ensemble').chrf).toBeGreaterThan(row('single').chrf);
    expect(row('ensemble').bleu).toBeGreaterThan(row('single').bleu);
    // Every method also ran with the memory, and an exact match costs no model run.
    expect(report.rows.filter((r) => r.tm)).toHaveLength(6);
    expect(report.sizes).toMatchObject({ test: 40, dev: 80, train: 1000 });
    expect(report.tmMatches.exact + report.tmMatches.fuzzy + report.tmMatches.none).toBe(40);
    // A whole quality run, whose time grows with the machine's load (npm run test:stress): the
    // bound is for a run that hangs, not for speed.
  }, 120_000);
});
