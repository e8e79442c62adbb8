/**
 * A figure measured several times: its median, its range, and how many samples stand behind it,
 * so that a ratio in the report says how much to trust it.
 */
export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** How many repeats the figure was computed in. */
  readonly repeats: number;
  /** How many samples (asks, runs) all repeats took together. */
  readonly samples: number;
}

export function spreadOf(values: readonly number[], samples: number): Spread {
  if (values.length === 0) throw new Error('spreadOf needs at least one value');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted.at(-1)!, repeats: values.length, samples };
}

/** The q-quantile (0..1) of a list of samples, nearest rank. */
export function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;
}
