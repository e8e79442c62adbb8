/**
 * A cascade's scorer as a combination of per-segment signals: logistic regression of "escalating
 * this segment would not help" (the next stage's answer is no better) on the signals, fitted on a
 * labelled set where every stage ran. Its score, the log-odds, is what the cascade's threshold
 * applies to, so the threshold is then fitted as for any single signal (learn-cascade.ts).
 *
 * The signals are standardised for the fit (their scales differ by orders of magnitude) and the
 * weights folded back, so the result applies to the raw signals: score = bias + Σ wᵢ·xᵢ.
 */
export interface LinearScorer {
  readonly weights: readonly number[];
  readonly bias: number;
}

export interface LogisticOptions {
  /** L2 penalty on the standardised weights; default 1e-3. */
  readonly l2?: number;
  /** Gradient steps (full batch); default 2000. */
  readonly steps?: number;
  /** Step size; default 0.5. */
  readonly rate?: number;
  /** How much each row counts (default 1 each), e.g. how much quality escalating it changes. */
  readonly weights?: readonly number[];
}

export function learnLinearScorer(
  features: readonly (readonly number[])[],
  stop: readonly boolean[],
  options: LogisticOptions = {},
): LinearScorer {
  const n = features.length;
  if (n === 0 || n !== stop.length)
    throw new RangeError(
      `cascade scorer: ${n} feature rows and ${stop.length} labels; expected as many, at least one`,
    );
  const width = features[0]!.length;
  features.forEach((row, i) => {
    if (row.length !== width || row.some((v) => !Number.isFinite(v)))
      throw new RangeError(
        `cascade scorer: row ${i} has ${row.length} features (expected ${width}), each a finite number`,
      );
  });
  const mean = Array.from({ length: width }, (_, j) => features.reduce((s, r) => s + r[j]!, 0) / n);
  const scale = Array.from({ length: width }, (_, j) => {
    const sd = Math.sqrt(features.reduce((s, r) => s + (r[j]! - mean[j]!) ** 2, 0) / n);
    return sd > 0 ? sd : 1;
  });
  const x = features.map((r) => r.map((v, j) => (v - mean[j]!) / scale[j]!));
  const counts = options.weights ?? features.map(() => 1);
  if (counts.length !== n || counts.some((c) => !(Number.isFinite(c) && c >= 0)))
    throw new RangeError(
      `cascade scorer: ${counts.length} row weights for ${n} rows; each a finite number ≥ 0`,
    );
  const total = counts.reduce((a, c) => a + c, 0) || 1;
  const y = stop.map((s) => (s ? 1 : 0));
  const l2 = options.l2 ?? 1e-3;
  const rate = options.rate ?? 0.5;
  const w = new Array<number>(width).fill(0);
  let b = 0;
  for (let step = 0; step < (options.steps ?? 2000); step++) {
    const gw = w.map((wj) => l2 * wj);
    let gb = 0;
    for (let i = 0; i < n; i++) {
      let z = b;
      for (let j = 0; j < width; j++) z += w[j]! * x[i]![j]!;
      const err = ((1 / (1 + Math.exp(-z)) - y[i]!) * counts[i]!) / total;
      gb += err;
      for (let j = 0; j < width; j++) gw[j]! += err * x[i]![j]!;
    }
    b -= rate * gb;
    for (let j = 0; j < width; j++) w[j]! -= rate * gw[j]!;
  }
  const weights = w.map((wj, j) => wj / scale[j]!);
  const bias = b - weights.reduce((s, wj, j) => s + wj * mean[j]!, 0);
  return { weights, bias };
}

/** One segment run on every stage: each stage's signals (but the last's) and its sentence quality. */
export interface CascadeScorerExample {
  /** One vector per stage but the last, the signals in the scorer's order. */
  readonly signals: readonly (readonly number[])[];
  /** One per stage: the quality of that stage's answer alone (sentence chrF, or the quality). */
  readonly quality: readonly number[];
}

/**
 * A cascade's scorer fitted on segments run on every stage: one row per segment and stage but the
 * last, labelled "stop" when the next stage's answer is no better, and counted by the quality at
 * stake (|gain|, at least 1), so the fit attends to the segments escalating would change most.
 */
export function fitCascadeScorer(
  examples: readonly CascadeScorerExample[],
  options: Omit<LogisticOptions, 'weights'> = {},
): LinearScorer {
  const features: (readonly number[])[] = [];
  const stop: boolean[] = [];
  const weights: number[] = [];
  examples.forEach((example, i) => {
    if (example.signals.length !== example.quality.length - 1)
      throw new RangeError(
        `cascade scorer: segment ${i} has signals for ${example.signals.length} stages and ${example.quality.length} stages; expected signals for every stage but the last`,
      );
    example.signals.forEach((row, s) => {
      const gain = example.quality[s + 1]! - example.quality[s]!;
      features.push(row);
      stop.push(gain <= 0);
      weights.push(Math.max(1, Math.abs(gain)));
    });
  });
  return learnLinearScorer(features, stop, { ...options, weights });
}
