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

/** A measure of one block of calls; null where it is unknown (per-thread CPU off Linux). */
export type BlockMeasure<B> = (block: B) => number | null;

/**
 * One way's measure over its blocks of `perBlock` calls, each value times `scale` (e.g. per
 * token: 1 / tokens); null if a block lacks it.
 */
export function blockSpread<B>(
  blocks: readonly B[],
  measure: BlockMeasure<B>,
  perBlock: number,
  scale = 1,
): Spread | null {
  const values = blocks.map(measure);
  if (values.some((v) => v === null)) return null;
  return spreadOf(
    (values as number[]).map((v) => v * scale),
    blocks.length * perBlock,
  );
}

/**
 * Ours / theirs, block by block (the two blocks of one round ran side by side); null if either
 * is unknown in a round.
 */
export function pairedRatio<B>(
  ours: readonly B[],
  theirs: readonly B[],
  measure: BlockMeasure<B>,
  perBlock: number,
): Spread | null {
  const values: number[] = [];
  for (let r = 0; r < Math.min(ours.length, theirs.length); r++) {
    const a = measure(ours[r]!);
    const b = measure(theirs[r]!);
    if (a === null || b === null || b === 0) return null;
    values.push(a / b);
  }
  return values.length ? spreadOf(values, values.length * perBlock * 2) : null;
}
