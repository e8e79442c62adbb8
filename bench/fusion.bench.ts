/**
 * How fast the fusion kernels are beside the plain ways of doing the same arithmetic, on K = 4
 * model outputs of N = 1,024,000 floats (rows of V = 8000 and of V = 32000 classes), held in
 * SharedArrayBuffers as the arena holds them:
 *
 * - memcpy: `Float32Array.prototype.set` of the K × N input floats, the physical limit of any
 *   kernel that reads its inputs once;
 * - naive mean: for each i, the sum over the array of model outputs of `outputs[k][i]`, over K,
 *   into a fresh array: the obvious code for probabilities (no argmax, no checks); beside it the
 *   hand-unrolled `out[i] = (a[i] + b[i] + c[i] + d[i]) / 4`, the best a plain JS loop does;
 * - naive softmax-then-mean: per model and row a softmax with Math.exp into temporary arrays,
 *   then the naive mean, the obvious code for logits;
 * - the kernels, with the WebAssembly SIMD path (default) and with the scalar JavaScript loops.
 *
 * Throughput is input elements (K × N) per second at the best (minimum) latency, and the ratios
 * are taken between best latencies: on a machine shared with other work the minimum is the figure
 * that repeats (the median is shown beside it). The mean of probabilities is the case compared
 * with memcpy; from logits a softmax is one exp per element and compute-bound, and is compared
 * with the naive softmax-then-mean. Agreement (the trace's per-model agreement with the fused
 * result) is measured after the weighted mean of logits.
 *
 * Run: npx tsx bench/fusion.bench.ts [--quick]
 */
import os from 'node:os';
import { Bench } from 'tinybench';
import { measureAgreement } from '../src/engines/fusion/agreement.js';
import {
  createFusionScratch,
  type FusedRows,
  type FusionInput,
  type FusionStrategy,
  fuse,
} from '../src/engines/fusion/kernels/index.js';

const MODELS = 4;
const ELEMENTS = 1_024_000;

export interface FusionBenchRow {
  readonly classes: number;
  readonly task: string;
  /** Input elements (K × N) per second, at the best latency. */
  readonly elementsPerSecond: number;
  readonly bestMs: number;
  readonly medianMs: number;
  /** This task's throughput over the naive JavaScript baseline for its input kind. */
  readonly vsNaive: number | null;
  /** This task's throughput over memcpy of the same K × N floats. */
  readonly vsMemcpy: number;
}

interface Inputs {
  readonly logits: Float32Array[];
  readonly probs: Float32Array[];
}

function sharedFloats(length: number): Float32Array {
  return new Float32Array(new SharedArrayBuffer(length * 4));
}

/** Seeded logits spread over ±6, and their row softmax as the probabilities. */
function makeInputs(classes: number): Inputs {
  let state = 12345;
  const random = () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 4294967296;
  };
  const logits: Float32Array[] = [];
  const probs: Float32Array[] = [];
  for (let k = 0; k < MODELS; k++) {
    const x = sharedFloats(ELEMENTS);
    const p = sharedFloats(ELEMENTS);
    for (let i = 0; i < ELEMENTS; i++) x[i] = (random() - 0.5) * 12;
    for (let start = 0; start < ELEMENTS; start += classes) {
      let max = Number.NEGATIVE_INFINITY;
      for (let j = 0; j < classes; j++) max = Math.max(max, x[start + j]!);
      let sum = 0;
      for (let j = 0; j < classes; j++) sum += Math.exp(x[start + j]! - max);
      for (let j = 0; j < classes; j++) p[start + j] = Math.exp(x[start + j]! - max) / sum;
    }
    logits.push(x);
    probs.push(p);
  }
  return { logits, probs };
}

function naiveMean(outputs: Float32Array[]): Float32Array {
  const out = new Float32Array(outputs[0]!.length);
  for (let i = 0; i < out.length; i++) {
    let sum = 0;
    for (let k = 0; k < outputs.length; k++) sum += outputs[k]![i]!;
    out[i] = sum / outputs.length;
  }
  return out;
}

function unrolledMean(outputs: Float32Array[]): Float32Array {
  const [a, b, c, d] = outputs as [Float32Array, Float32Array, Float32Array, Float32Array];
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = (a[i]! + b[i]! + c[i]! + d[i]!) / 4;
  return out;
}

function naiveSoftmaxMean(outputs: Float32Array[], classes: number): Float32Array {
  const probabilities = outputs.map((x) => {
    const p = new Float32Array(x.length);
    for (let start = 0; start < x.length; start += classes) {
      let max = Number.NEGATIVE_INFINITY;
      for (let j = 0; j < classes; j++) max = Math.max(max, x[start + j]!);
      const exps = new Float64Array(classes);
      let sum = 0;
      for (let j = 0; j < classes; j++) {
        exps[j] = Math.exp(x[start + j]! - max);
        sum += exps[j]!;
      }
      for (let j = 0; j < classes; j++) p[start + j] = exps[j]! / sum;
    }
    return p;
  });
  return naiveMean(probabilities);
}

interface Task {
  readonly name: string;
  readonly baseline: 'memcpy' | 'naive-probs' | 'naive-logits' | null;
  readonly run: () => unknown;
}

function tasksFor(classes: number, inputs: Inputs): Task[] {
  const rows = ELEMENTS / classes;
  const out: FusedRows = { distribution: new Float32Array(ELEMENTS), argmax: new Int32Array(rows) };
  const simd = createFusionScratch(classes, MODELS);
  const scalar = createFusionScratch(classes, MODELS, { simd: false });
  const copy = new Float32Array(MODELS * ELEMENTS);
  const probs: FusionInput = { kind: 'probs', classes, outputs: inputs.probs };
  const logits: FusionInput = { kind: 'logits', classes, outputs: inputs.logits };
  const kernel = (strategy: FusionStrategy, input: FusionInput, path: 'simd' | 'scalar') => () =>
    fuse(strategy, input, out, path === 'simd' ? simd : scalar);
  const tasks: Task[] = [
    {
      name: 'memcpy of K×N floats (set)',
      baseline: null,
      run: () => {
        for (let k = 0; k < MODELS; k++) copy.set(inputs.probs[k]!, k * ELEMENTS);
      },
    },
    { name: 'naive mean of probs', baseline: null, run: () => naiveMean(inputs.probs) },
    {
      name: 'unrolled JS mean of probs',
      baseline: 'naive-probs',
      run: () => unrolledMean(inputs.probs),
    },
    {
      name: 'naive softmax-then-mean of logits',
      baseline: null,
      run: () => naiveSoftmaxMean(inputs.logits, classes),
    },
    {
      name: 'weighted-mean probs, SIMD',
      baseline: 'naive-probs',
      run: kernel('weighted-mean', probs, 'simd'),
    },
    {
      name: 'weighted-mean probs, scalar',
      baseline: 'naive-probs',
      run: kernel('weighted-mean', probs, 'scalar'),
    },
  ];
  for (const strategy of [
    'weighted-mean',
    'log-linear',
    'log-mean',
    'majority-vote',
    'max-confidence',
  ] as const) {
    for (const path of ['simd', 'scalar'] as const) {
      tasks.push({
        name: `${strategy} logits, ${path === 'simd' ? 'SIMD' : 'scalar'}`,
        baseline: 'naive-logits',
        run: kernel(strategy, logits, path),
      });
    }
  }
  const agreement = {
    argmaxAgreement: new Float64Array(MODELS),
    meanTotalVariation: new Float64Array(MODELS),
  };
  const fused: FusedRows = {
    distribution: new Float32Array(ELEMENTS),
    argmax: new Int32Array(rows),
  };
  fuse('weighted-mean', logits, fused, simd);
  for (const path of ['simd', 'scalar'] as const) {
    tasks.push({
      name: `agreement (trace), ${path === 'simd' ? 'SIMD' : 'scalar'}`,
      baseline: 'naive-logits',
      run: () =>
        measureAgreement(logits, fused, 'probs', agreement, path === 'simd' ? simd : scalar),
    });
  }
  return tasks;
}

/** Measures every task for V = 8000 and V = 32000; `timeMs` per task. */
export async function measureFusionKernels(options: {
  readonly timeMs: number;
  readonly log?: (line: string) => void;
}): Promise<FusionBenchRow[]> {
  const results: FusionBenchRow[] = [];
  for (const classes of [8000, 32000]) {
    options.log?.(`fusion kernels: V = ${classes}, ${ELEMENTS / classes} rows, K = ${MODELS}`);
    const tasks = tasksFor(classes, makeInputs(classes));
    const bench = new Bench({
      name: `fusion V=${classes}`,
      time: options.timeMs,
      warmupTime: Math.min(500, options.timeMs),
    });
    for (const task of tasks) bench.add(task.name, task.run);
    await bench.run();
    const median = new Map<string, number>();
    const best = new Map<string, number>();
    for (const task of bench.tasks) {
      const result = task.result;
      if (result.state !== 'completed') {
        throw new Error(`fusion bench: task "${task.name}" ${result.state}`);
      }
      median.set(task.name, result.latency.p50);
      best.set(task.name, result.latency.min);
    }
    const perSecond = (name: string) => (MODELS * ELEMENTS) / (best.get(name)! / 1000);
    const memcpy = perSecond('memcpy of K×N floats (set)');
    const naive = {
      'naive-probs': perSecond('naive mean of probs'),
      'naive-logits': perSecond('naive softmax-then-mean of logits'),
    };
    for (const task of tasks) {
      const speed = perSecond(task.name);
      results.push({
        classes,
        task: task.name,
        elementsPerSecond: speed,
        bestMs: best.get(task.name)!,
        medianMs: median.get(task.name)!,
        vsNaive:
          task.baseline === 'naive-probs' || task.baseline === 'naive-logits'
            ? speed / naive[task.baseline]
            : null,
        vsMemcpy: speed / memcpy,
      });
    }
  }
  return results;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const quick = process.argv.includes('--quick');
  const rows = await measureFusionKernels({ timeMs: quick ? 300 : 1500, log: console.log });
  console.log(
    `fusion kernels, Node ${process.version}, K = ${MODELS}, N = ${ELEMENTS} floats, ` +
      `load average ${os.loadavg()[0]!.toFixed(2)}; ratios between best latencies`,
  );
  console.table(
    rows.map((row) => ({
      V: row.classes,
      task: row.task,
      'best ms': +row.bestMs.toFixed(3),
      'median ms': +row.medianMs.toFixed(3),
      'G elem/s': +(row.elementsPerSecond / 1e9).toFixed(3),
      '× naive': row.vsNaive === null ? '' : +row.vsNaive.toFixed(2),
      '× memcpy': +row.vsMemcpy.toFixed(3),
    })),
  );
}
