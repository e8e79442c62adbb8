/**
 * A suite run several times: its figures become the median over the runs, each with its range
 * (see spread.ts), so that no ratio in the report rests on one run. Tables and charts are those
 * of the last run.
 */
import { type Spread, spreadOf } from './spread.js';
import type { SuiteOutcome } from './suite.js';

export function mergeRepeats(runs: readonly SuiteOutcome[]): SuiteOutcome {
  const last = runs.at(-1);
  if (!last) throw new Error('mergeRepeats needs at least one run');
  const figures: Record<string, number | null> = {};
  const spreads: Record<string, Spread> = {};
  for (const key of Object.keys(last.figures)) {
    const own = runs.map((run) => run.spreads?.[key]).filter((s) => s !== undefined);
    if (own.length === runs.length) {
      // The suite repeated this figure itself: keep every repeat's range and samples.
      spreads[key] = {
        median: spreadOf(
          own.map((s) => s.median),
          0,
        ).median,
        min: Math.min(...own.map((s) => s.min)),
        max: Math.max(...own.map((s) => s.max)),
        repeats: own.reduce((n, s) => n + s.repeats, 0),
        samples: own.reduce((n, s) => n + s.samples, 0),
      };
      figures[key] = spreads[key].median;
      continue;
    }
    const values = runs.map((run) => run.figures[key]);
    if (values.some((v) => v === null || v === undefined || !Number.isFinite(v))) {
      figures[key] = last.figures[key] ?? null;
      continue;
    }
    const samples = runs.reduce((n, run) => n + (run.samples?.[key] ?? 0), 0);
    spreads[key] = spreadOf(values as number[], samples);
    figures[key] = spreads[key].median;
  }
  return { ...last, figures, spreads };
}
