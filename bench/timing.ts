/**
 * Measuring helpers over tinybench, in the units the report uses (microseconds, operations per
 * second), plus the two things tinybench does not do: a closed loop with several calls in flight,
 * and the calling thread's event-loop delay while a measurement runs.
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { Bench, type Fn } from 'tinybench';
import { seededRandom } from '../src/util/mulberry32.js';
import type { SuiteContext } from './suite.js';

export interface Timing {
  readonly meanUs: number;
  readonly p50Us: number;
  readonly p99Us: number;
  readonly minUs: number;
  readonly samples: number;
  /** 1 / mean latency: what one caller gets with one call in flight. */
  readonly perSecond: number;
  /** The samples in the order they were taken (ms); `interleaved` gives them, for paired comparisons. */
  readonly inOrderMs?: readonly number[];
}

export interface TimeBudget {
  /** Milliseconds of measured samples (after warm-up). */
  readonly timeMs: number;
  readonly warmupMs: number;
  /** Fewest samples, whatever the time. */
  readonly minSamples: number;
}

/** The budget for one task: `full` in a full run, `quick` with --quick. */
export function budget(
  context: SuiteContext,
  full: Partial<TimeBudget>,
  quick: Partial<TimeBudget> = {},
): TimeBudget {
  const base: TimeBudget = { timeMs: 1000, warmupMs: 200, minSamples: 32 };
  return context.quick ? { ...base, ...full, ...quick } : { ...base, ...full };
}

/**
 * Times one task with tinybench. A task may return `{ overriddenDuration }` (milliseconds) to
 * report a part of its own time, as tinybench allows. Say whether it is asynchronous: left to
 * guess, tinybench calls it once more to find out, which would overlap two calls of a task that
 * owns a worker.
 * @throws the task's own error, if it throws.
 */
export async function time(
  name: string,
  fn: Fn,
  limits: TimeBudget,
  kind: 'async' | 'sync' = 'async',
): Promise<Timing> {
  const bench = new Bench({
    name,
    time: limits.timeMs,
    warmupTime: limits.warmupMs,
    iterations: limits.minSamples,
    warmupIterations: Math.min(16, limits.minSamples),
    throws: true,
  });
  bench.add(name, fn, { async: kind === 'async' });
  await bench.run();
  const result = bench.tasks[0]!.result;
  if (result.state !== 'completed') {
    throw new Error(`benchmark task "${name}" ended ${result.state}`);
  }
  const latency = result.latency;
  return {
    meanUs: latency.mean * 1000,
    p50Us: latency.p50 * 1000,
    p99Us: latency.p99 * 1000,
    minUs: latency.min * 1000,
    samples: latency.samplesCount,
    perSecond: latency.mean > 0 ? 1000 / latency.mean : 0,
  };
}

/**
 * Times several tasks taking turns, one call each in round-robin, so that whatever else the
 * machine does in the meantime falls on all of them alike. For comparisons of two ways of doing
 * one thing (a model behind an actor, the same model called directly), where tinybench's one task
 * after the other would let a burst of outside load land on one side only.
 *
 * `shuffled` draws each turn's order afresh (seeded, so runs repeat): a task then follows each of
 * the others as often as any, where a fixed order would make one always run right after the same
 * other. That matters when one call leaves the next a cost: a model run on one thread evicts from
 * the shared cache the weights another thread's copy of the model needs next.
 */
export async function interleaved(
  tasks: readonly (() => Promise<unknown>)[],
  limits: TimeBudget,
  order: 'fixed' | { readonly shuffled: number } = 'fixed',
): Promise<Timing[]> {
  const samples: number[][] = tasks.map(() => []);
  const random = order === 'fixed' ? undefined : seededRandom(order.shuffled);
  const indices = tasks.map((_, i) => i);
  const turn = async (record: boolean) => {
    if (random) shuffle(indices, random);
    for (const i of indices) {
      const start = performance.now();
      await tasks[i]!();
      if (record) samples[i]!.push(performance.now() - start);
    }
  };
  const warmupEnd = performance.now() + limits.warmupMs;
  for (let n = 0; n < 2 || performance.now() < warmupEnd; n++) await turn(false);
  const end = performance.now() + limits.timeMs * tasks.length;
  for (let n = 0; n < limits.minSamples || performance.now() < end; n++) await turn(true);
  return samples.map((ms) => {
    const inOrderMs = [...ms];
    const sorted = ms.sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]! * 1000;
    const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
    return {
      meanUs: mean * 1000,
      p50Us: at(0.5),
      p99Us: at(0.99),
      minUs: sorted[0]! * 1000,
      samples: sorted.length,
      perSecond: 1000 / mean,
      inOrderMs,
    };
  });
}

/** Fisher–Yates, in place. */
function shuffle(items: number[], random: () => number): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
}

/**
 * The median of b − a over the turns of `interleaved` (µs): each difference compares two calls
 * of one turn, made close together, so slow drifts of the machine cancel out of it.
 */
export function pairedMedianUs(a: Timing, b: Timing): number {
  const x = a.inOrderMs ?? [];
  const y = b.inOrderMs ?? [];
  const n = Math.min(x.length, y.length);
  if (n === 0) throw new Error('pairedMedianUs needs the in-order samples of interleaved()');
  return median(Array.from({ length: n }, (_, i) => (y[i]! - x[i]!) * 1000));
}

/**
 * Keeps `inFlight` calls of `call` running until `durationMs` has passed (each caller starts its
 * next call as soon as its last one settled), and returns how many completed per second.
 */
export async function closedLoop(
  call: () => Promise<unknown>,
  inFlight: number,
  durationMs: number,
): Promise<{ readonly completed: number; readonly perSecond: number }> {
  const start = performance.now();
  const end = start + durationMs;
  let completed = 0;
  const caller = async () => {
    while (performance.now() < end) {
      await call();
      completed++;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, caller));
  const seconds = (performance.now() - start) / 1000;
  return { completed, perSecond: completed / seconds };
}

/** Timer interval of the event-loop delay histogram, in milliseconds (its finest). */
export const LOOP_DELAY_RESOLUTION_MS = 1;

export interface LoopDelay {
  /**
   * The 99th percentile of how late the loop's 1 ms timer fired, in milliseconds. Node's histogram
   * records the whole interval between two firings, so the interval itself is taken off (as
   * fastify's under-pressure does): an idle loop reads about 0.1 ms, a loop blocked 30 ms by a
   * synchronous call reads about 30 ms.
   */
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly meanMs: number;
}

/** Runs `work` while sampling the calling thread's event-loop delay. */
export async function withLoopDelay<T>(
  work: () => Promise<T>,
): Promise<{ readonly result: T; readonly delay: LoopDelay }> {
  const histogram = monitorEventLoopDelay({ resolution: LOOP_DELAY_RESOLUTION_MS });
  histogram.enable();
  try {
    const result = await work();
    histogram.disable();
    const late = (ns: number) => Math.max(0, ns / 1e6 - LOOP_DELAY_RESOLUTION_MS);
    return {
      result,
      delay: {
        p99Ms: late(histogram.percentile(99)),
        maxMs: late(histogram.max),
        meanMs: late(histogram.mean),
      },
    };
  } finally {
    histogram.disable();
  }
}

/** Median of a non-empty list of numbers. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Rounds for a table: 3 significant digits, integers above 1000. */
export function round(value: number | null | undefined): number | null {
  if (value === null || value === undefined || !Number.isFinite(value)) return null;
  if (Math.abs(value) >= 1000) return Math.round(value);
  return Number(value.toPrecision(3));
}
