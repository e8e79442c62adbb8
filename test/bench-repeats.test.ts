import { describe, expect, it } from 'vitest';
import { arrivalOffsets } from '../bench/arrivals.js';
import { mergeRepeats } from '../bench/repeats.js';
import { renderMarkdown } from '../bench/report.js';
import type { SuiteOutcome } from '../bench/suite.js';

const run = (figures: Record<string, number | null>, extra: Partial<SuiteOutcome> = {}) =>
  ({ tables: [], charts: [], notes: [], figures, ...extra }) as SuiteOutcome;

describe('a suite run several times', () => {
  it('reports each figure as the median over the runs, with its range and samples', () => {
    const merged = mergeRepeats([
      run({ ratio: 1.5, missing: null }, { samples: { ratio: 100 } }),
      run({ ratio: 0.9, missing: 2 }, { samples: { ratio: 120 } }),
      run({ ratio: 1.1, missing: 3 }, { samples: { ratio: 80 } }),
    ]);
    expect(merged.figures.ratio).toBe(1.1);
    expect(merged.spreads?.ratio).toEqual({
      median: 1.1,
      min: 0.9,
      max: 1.5,
      repeats: 3,
      samples: 300,
    });
    // A figure one run could not measure has no spread: it would hide the missing run.
    expect(merged.spreads?.missing).toBeUndefined();
  });

  it('keeps the ranges of a suite that repeated a figure itself', () => {
    const own = (median: number, min: number, max: number) => ({
      figures: { r: median },
      spreads: { r: { median, min, max, repeats: 3, samples: 900 } },
    });
    const merged = mergeRepeats(
      [run({}, own(1, 0.8, 1.2)), run({}, own(2, 1.5, 2.5)), run({}, own(3, 2.9, 3.1))].map(
        (r, i) => ({ ...r, figures: { r: [1, 2, 3][i]! } }),
      ),
    );
    expect(merged.spreads?.r).toEqual({ median: 2, min: 0.8, max: 3.1, repeats: 9, samples: 2700 });
  });
});

describe('arrival patterns', () => {
  it('spaces fixed gaps evenly and draws the same Poisson arrivals from the same seed', () => {
    expect(arrivalOffsets({ kind: 'back-to-back' }, 3)).toBeNull();
    expect(arrivalOffsets({ kind: 'gap', ms: 5 }, 4)).toEqual([0, 5, 10, 15]);
    const a = arrivalOffsets({ kind: 'poisson', perSecond: 1000, seed: 7 }, 20_000)!;
    const b = arrivalOffsets({ kind: 'poisson', perSecond: 1000, seed: 7 }, 20_000)!;
    expect(a).toEqual(b);
    // 20 000 arrivals at 1000/s take about 20 s: the mean gap is 1 ms within a few percent.
    const meanGapMs = a.at(-1)! / (a.length - 1);
    expect(meanGapMs).toBeGreaterThan(0.95);
    expect(meanGapMs).toBeLessThan(1.05);
  });
});

describe('the report', () => {
  it('shows a ratio measured in repeats with its range and sample count', () => {
    const markdown = renderMarkdown({
      generatedAt: '2026-12-04T00:00:00.000Z',
      mode: 'quick',
      command: 'npm run bench -- --quick',
      machine: {
        cpu: 'Test CPU',
        cores: 2,
        memoryGiB: 4,
        platform: 'test',
        node: 'v20',
        onnxruntimeNode: '1.30.0',
        loadAverageStart: 0,
      },
      seconds: 1,
      ratios: { ask_p50_spaced_vs_by_hand: 0.9 } as never,
      ratioSpreads: {
        ask_p50_spaced_vs_by_hand: { median: 0.9, min: 0.8, max: 1.2, repeats: 3, samples: 1200 },
      },
      targets: [
        {
          key: 'ask_p50_spaced_vs_by_hand',
          label: 'one ask 1 ms apart',
          target: '≤ 1.0 × by hand',
          value: 0.9,
          verdict: 'met',
        },
      ],
      suites: [],
    });
    expect(markdown).toContain(
      '| one ask 1 ms apart | ≤ 1.0 × by hand | 0.9 (0.8–1.2 over 3 repeats, n = 1200) | ✅ met |',
    );
  });
});
