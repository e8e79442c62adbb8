/**
 * Fusion: how fast the weighted-mean kernel combines K = 4 model outputs of 1 M floats each
 * (1024 rows × 1024 classes of probabilities, in SharedArrayBuffers as the arena holds them),
 * beside the JavaScript a user would write, and beside a plain memcpy of the same bytes
 * (`TypedArray.prototype.set`: the ceiling, since fusion reads every input byte once). Elements
 * per second count input floats read, at the median call. The implementations take turns, one call
 * each, so that outside load falls on all of them alike.
 *
 * Two naive loops: the one that does the kernel's job (weights, any K, each row's argmax), which
 * the target is judged against; and a hand-unrolled unweighted mean of exactly four inputs without
 * argmax, less work than the kernel does, shown so the comparison is not flattering.
 *
 * A full run adds the kernels' own benchmark (bench/fusion.bench.ts: every strategy, logits and
 * probabilities, V = 8000 and 32000); a quick run leaves it out, as it takes minutes.
 */
import {
  createFusionScratch,
  type FusedRows,
  type FusionInput,
  fuseWeightedMean,
} from '../src/engines/fusion/kernels/index.js';
import { measureFusionKernels } from './fusion.bench.js';
import { seededFloats } from './models.js';
import type { Suite, SuiteContext, SuiteOutcome, Table } from './suite.js';
import { budget, interleaved, round, type Timing } from './timing.js';

const K = 4;
const ROWS = 1024;
const CLASSES = 1024;
const N = ROWS * CLASSES;
const WEIGHTS = [0.4, 0.3, 0.2, 0.1];

export const fusion: Suite = {
  name: 'fusion',
  title: 'Fusion: the weighted-mean kernel on K = 4 × 1 M floats',
  run: runFusion,
};

async function runFusion(context: SuiteContext): Promise<SuiteOutcome> {
  const outputs = Array.from({ length: K }, (_, k) => probabilities(100 + k));
  const input: FusionInput = { kind: 'probs', classes: CLASSES, outputs, weights: WEIGHTS };
  const rowsOut = (): FusedRows => ({
    distribution: new Float32Array(N),
    argmax: new Int32Array(ROWS),
  });
  const simdOut = rowsOut();
  const scalarOut = rowsOut();
  const naiveOut = rowsOut();
  const unrolledOut = new Float32Array(N);
  const simd = createFusionScratch(CLASSES, K);
  const scalar = createFusionScratch(CLASSES, K, { simd: false });
  const copies = outputs.map(() => new Float32Array(N));
  const limits = budget(context, { timeMs: 1500, minSamples: 32 }, { timeMs: 400, minSamples: 16 });

  // The five take turns, one call each, so that other work on the machine slows them alike, in an
  // order drawn afresh each turn, so that none always runs on the cache the same other one left.
  context.log('fusion: kernel (SIMD, scalar), two naive loops and memcpy, in turn');
  const sync = (fn: () => void) => async () => fn();
  const [kernel, kernelScalar, naive, unrolled, memcpy] = (await interleaved(
    [
      sync(() => fuseWeightedMean(input, simdOut, simd)),
      sync(() => fuseWeightedMean(input, scalarOut, scalar)),
      sync(() => naiveWeightedMean(outputs, WEIGHTS, naiveOut)),
      sync(() => unrolledMean(outputs, unrolledOut)),
      sync(() => {
        for (let k = 0; k < K; k++) copies[k]!.set(outputs[k]!);
      }),
    ],
    limits,
    { shuffled: 51 },
  )) as [Timing, Timing, Timing, Timing, Timing];

  // The kernel must compute what the naive loop computes, or its speed means nothing.
  const deviation = Math.max(
    maxDifference(simdOut.distribution, naiveOut.distribution),
    maxDifference(scalarOut.distribution, naiveOut.distribution),
  );
  if (deviation > 1e-5) {
    throw new Error(`fusion: the kernel and the naive loop disagree by ${deviation}`);
  }
  const argmaxAgree = simdOut.argmax.every((a, r) => a === naiveOut.argmax[r]);

  const rate = (t: Timing) => (K * N * 1e6) / t.p50Us;
  const line = (name: string, t: Timing) => [
    name,
    round(t.p50Us / 1000),
    round(rate(t) / 1e9),
    round((rate(t) * 4) / 2 ** 30),
    round(rate(t) / rate(naive)),
    round(rate(t) / rate(memcpy)),
  ];
  const tables: Table[] = [
    {
      title: 'Weighted mean of K = 4 × 1 M float32 probabilities (1024 rows × 1024 classes)',
      columns: [
        'implementation',
        'p50 ms',
        'G elements/s',
        'GiB/s read',
        'vs naive JS',
        'vs memcpy',
      ],
      rows: [
        line('roundtable kernel (fuseWeightedMean, SIMD where available)', kernel),
        line('roundtable kernel, scalar JavaScript path', kernelScalar),
        line('naive JavaScript: weighted, any K, with argmax (same job)', naive),
        line('naive JavaScript: (a + b + c + d) / 4, no weights, no argmax', unrolled),
        line('memcpy of the same bytes (TypedArray set)', memcpy),
      ],
      note:
        `The kernel's distribution matches the naive loop's to ${deviation.toExponential(1)} ` +
        `(argmax ${argmaxAgree ? 'identical' : 'differs on ties'}).`,
    },
  ];
  if (!context.quick) {
    const rows = await measureFusionKernels({ timeMs: 1500, log: context.log });
    for (const classes of new Set(rows.map((row) => row.classes))) {
      tables.push({
        title: `Every kernel (bench/fusion.bench.ts): K = 4 × 1,024,000 floats in rows of V = ${classes}`,
        columns: ['task', 'p50 ms', 'G elements/s', 'vs its naive JS', 'vs memcpy'],
        rows: rows
          .filter((row) => row.classes === classes)
          .map((row) => [
            row.task,
            round(row.medianMs),
            round(row.elementsPerSecond / 1e9),
            round(row.vsNaive),
            round(row.vsMemcpy),
          ]),
      });
    }
  }
  return {
    tables,
    charts: [
      {
        file: 'fusion.svg',
        title: 'Weighted mean, K = 4 × 1 M floats: G elements/s (higher is better)',
        unit: 'G el/s',
        bars: [
          { label: 'roundtable kernel', value: round(rate(kernel) / 1e9) },
          { label: 'kernel, scalar JS path', value: round(rate(kernelScalar) / 1e9) },
          { label: 'naive JS (same job)', value: round(rate(naive) / 1e9) },
          { label: 'naive JS (a+b+c+d)/4', value: round(rate(unrolled) / 1e9) },
          { label: 'memcpy of the same bytes', value: round(rate(memcpy) / 1e9) },
        ],
      },
    ],
    figures: {
      fusion_vs_naive_js: rate(kernel) / rate(naive),
      fusion_vs_memcpy: rate(kernel) / rate(memcpy),
      fusion_vs_unrolled_mean_js: rate(kernel) / rate(unrolled),
    },
    notes: [
      'One thread, no worker: the arithmetic the fusion actor does on each round, on views of the ' +
        'arena. The target "≥ 4 × naive" is judged against the naive loop that does the same job ' +
        '(weights, any K, argmax); the unrolled four-input mean does less and is shown beside it.',
      ...(context.quick
        ? ['Quick run: the table of every kernel (bench/fusion.bench.ts) is left out.']
        : []),
    ],
  };
}

/** Rows of probabilities (each row sums to 1), seeded, in shared memory as the arena holds them. */
function probabilities(seed: number): Float32Array {
  const x = new Float32Array(new SharedArrayBuffer(N * 4));
  x.set(seededFloats(seed, N));
  for (let r = 0; r < ROWS; r++) {
    let sum = 0;
    for (let j = r * CLASSES; j < (r + 1) * CLASSES; j++) {
      x[j] = x[j]! + 1.0001;
      sum += x[j]!;
    }
    for (let j = r * CLASSES; j < (r + 1) * CLASSES; j++) x[j] = x[j]! / sum;
  }
  return x;
}

/** The kernel's job written plainly: per element, a weighted sum over the models; per row, argmax. */
function naiveWeightedMean(
  outputs: readonly Float32Array[],
  weights: readonly number[],
  out: FusedRows,
): void {
  const total = weights.reduce((a, w) => a + w, 0);
  for (let r = 0; r < ROWS; r++) {
    let best = -1;
    let at = 0;
    for (let j = 0; j < CLASSES; j++) {
      const i = r * CLASSES + j;
      let sum = 0;
      for (let k = 0; k < outputs.length; k++) sum += weights[k]! * outputs[k]![i]!;
      const p = sum / total;
      out.distribution[i] = p;
      if (p > best) {
        best = p;
        at = j;
      }
    }
    out.argmax[r] = at;
  }
}

/** The shortest JavaScript for four inputs: less work than the kernel (no weights, no argmax). */
function unrolledMean(outputs: readonly Float32Array[], out: Float32Array): void {
  const [a, b, c, d] = outputs as [Float32Array, Float32Array, Float32Array, Float32Array];
  for (let i = 0; i < out.length; i++) out[i] = (a[i]! + b[i]! + c[i]! + d[i]!) / 4;
}

function maxDifference(a: Float32Array, b: Float32Array): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}
