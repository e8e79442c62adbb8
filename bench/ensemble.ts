/**
 * Ensemble: K = 2, 3, 4 generated models of about 5 ms each (`sizedModel` medium) on one input,
 * their outputs averaged. Three ways:
 *  - one after another on the main thread with onnxruntime-node (what a user writes first);
 *  - Promise.all of the K `session.run` calls on the main thread (which does not help:
 *    onnxruntime-node runs each synchronously inside a setImmediate);
 *  - K worker threads written by hand: a session each, the input posted to each, the K outputs
 *    posted back (transferred) and averaged on the main thread;
 *  - roundtable's ensemble plan (K model actors on worker threads; the K × 1024 floats are fused
 *    on the calling thread, see src/engines/fusion/inline-fuser.ts).
 * For each: latency p50/p99 with one run in flight, throughput with two runs in flight, and the
 * calling thread's event-loop delay p99 while the latency is measured. For K = 4, roundtable, the
 * hand-written threads and the main-thread loop again, in turns: CPU per plan in blocks
 * (bench/cpu-turns.ts), and throughput in short windows (bench/throughput-turns.ts), from which
 * the K = 4 throughput ratios are taken window by window.
 */
import * as ort from 'onnxruntime-node';
import { MODEL_SIZES, sizedModel } from '../src/models/index.js';
import { ensemble as ensemblePlan } from '../src/plans/builders.js';
import { Roundtable } from '../src/runtime/roundtable.js';
import { CALLER, type CpuBlock, cpuInTurns, OTHERS, PROCESS } from './cpu-turns.js';
import { HandWorker } from './hand-worker.js';
import { ONE_THREAD, seededFloats } from './models.js';
import { blockSpread, pairedRatio, type Spread } from './spread.js';
import type { Suite, SuiteContext, SuiteOutcome } from './suite.js';
import {
  completedIn,
  PER_SECOND,
  type ThroughputWindow,
  throughputInTurns,
} from './throughput-turns.js';
import { budget, closedLoop, round, time, withLoopDelay } from './timing.js';

const SIZE = MODEL_SIZES.medium;
const KS = [2, 3, 4] as const;
const IN_FLIGHT = 2;
/** The ways measured in turns for K = 4 (CPU per plan, throughput), in this order. */
const CPU_WAYS = [
  'roundtable ensemble plan',
  'K worker threads by hand (postMessage)',
  'one after another, main thread',
] as const;

export const ensemble: Suite = {
  name: 'ensemble',
  title: 'Ensemble: K models on one input, fused',
  run: runEnsemble,
};

interface Measured {
  readonly k: number;
  readonly approach: string;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly perSecond: number;
  readonly loopP99Ms: number;
}

async function runEnsemble(context: SuiteContext): Promise<SuiteOutcome> {
  const models = Array.from({ length: 4 }, (_, k) => sizedModel({ seed: 11 + k, ...SIZE }).bytes);
  const data = seededFloats(5, SIZE.width);
  const dims = [1, SIZE.width];
  const sessions = await Promise.all(
    models.map((bytes) => ort.InferenceSession.create(bytes, ONE_THREAD)),
  );
  const defaultSessions = await Promise.all(
    models.map((bytes) => ort.InferenceSession.create(bytes, { logSeverityLevel: 3 })),
  );
  const handWorkers = await Promise.all(
    models.map((bytes) => HandWorker.start(bytes, 'input', 'output')),
  );
  const runtime = await Roundtable.create();
  const latency = budget(
    context,
    { timeMs: 3000, minSamples: 64 },
    { timeMs: 800, minSamples: 16 },
  );
  const loopMs = context.quick ? 800 : 3000;
  const measured: Measured[] = [];
  const cpuCalls = context.quick ? 20 : 100;
  let cpu: CpuBlock[][] = [];
  const turns = context.quick
    ? { inFlight: IN_FLIGHT, windowMs: 400, rounds: 3 }
    : { inFlight: IN_FLIGHT, windowMs: 1000, rounds: 6 };
  let windows: ThroughputWindow[][] = [];
  let deviation = 0;
  try {
    await Promise.all(models.map((bytes, k) => runtime.spawnModel(`m${k}`, { model: bytes })));

    const sequential = (pool: readonly ort.InferenceSession[]) => async () => {
      const outputs: Float32Array[] = [];
      for (const session of pool) {
        const result = await session.run({ input: new ort.Tensor('float32', data, dims) });
        outputs.push(result.output!.data as Float32Array);
      }
      return mean(outputs);
    };
    const concurrent = (pool: readonly ort.InferenceSession[]) => async () => {
      const results = await Promise.all(
        pool.map((session) => session.run({ input: new ort.Tensor('float32', data, dims) })),
      );
      return mean(results.map((result) => result.output!.data as Float32Array));
    };

    const byHand = (workers: readonly HandWorker[]) => async () =>
      mean(await Promise.all(workers.map((w) => w.ask(data, dims))));

    const measure = async (k: number, approach: string, call: () => Promise<unknown>) => {
      context.log(`ensemble: K=${k}, ${approach}`);
      const { result: t, delay } = await withLoopDelay(() => time(approach, call, latency));
      const { perSecond } = await closedLoop(call, IN_FLIGHT, loopMs);
      measured.push({
        k,
        approach,
        p50Ms: t.p50Us / 1000,
        p99Ms: t.p99Us / 1000,
        perSecond,
        loopP99Ms: delay.p99Ms,
      });
    };

    for (const k of KS) {
      const pool = sessions.slice(0, k);
      const plan = ensemblePlan({
        name: `ensemble${k}`,
        models: Array.from({ length: k }, (_, i) => `m${i}`),
        input: 'input',
        output: 'output',
        fusion: { strategy: 'mean', kind: 'values' },
      });
      const viaRuntime = async () => {
        const result = await runtime.run(plan, { input: { dtype: 'float32', dims, data } });
        return result.outputs.fused!.data as Float32Array;
      };
      // Same answer both ways, or the comparison means nothing.
      const [expected, got] = [await sequential(pool)(), await viaRuntime()];
      for (let i = 0; i < expected.length; i++)
        deviation = Math.max(deviation, Math.abs(expected[i]! - got[i]!));

      await measure(k, 'one after another, main thread', sequential(pool));
      await measure(k, 'Promise.all, main thread', concurrent(pool));
      await measure(k, 'K worker threads by hand (postMessage)', byHand(handWorkers.slice(0, k)));
      await measure(k, 'roundtable ensemble plan', viaRuntime);
      if (k === 4) {
        context.log(`ensemble: K=4, CPU per plan, ${cpuCalls} plans per block, the ways in turns`);
        const inTurns = [viaRuntime, byHand(handWorkers.slice(0, k)), sequential(pool)];
        cpu = await cpuInTurns(inTurns, { calls: cpuCalls, rounds: 3 });
        context.log(
          `ensemble: K=4, throughput in ${turns.rounds} rounds of ${turns.windowMs} ms windows, the ways in turns`,
        );
        windows = await throughputInTurns(inTurns, turns);
        await measure(
          k,
          'one after another, main thread, ORT default threads',
          sequential(defaultSessions),
        );
      }
    }
  } finally {
    await runtime.close();
    await Promise.all(handWorkers.map((w) => w.close()));
    await Promise.all([...sessions, ...defaultSessions].map((s) => s.release()));
  }
  if (deviation > 1e-4) {
    throw new Error(`ensemble: roundtable and the main-thread loop disagree by ${deviation}`);
  }

  const find = (k: number, approach: string) =>
    measured.find((m) => m.k === k && m.approach === approach)!;
  const sequentialOf = (k: number) => find(k, 'one after another, main thread');
  const four = measured.filter((m) => m.k === 4);
  const [rtCpu, handCpu] = [cpu[0]!, cpu[1]!];
  const cell = (spread: Spread | null) =>
    spread === null ? null : `${round(spread.median)} (${round(spread.min)}–${round(spread.max)})`;
  const cpuRatios = {
    ensemble4_cpu_vs_by_hand_threads: pairedRatio(rtCpu, handCpu, PROCESS, cpuCalls),
    ensemble4_caller_cpu_vs_by_hand_threads: pairedRatio(rtCpu, handCpu, CALLER, cpuCalls),
  };
  const [rtWindows, handWindows, sequentialWindows] = [windows[0]!, windows[1]!, windows[2]!];
  const throughputRatio = (ours: ThroughputWindow[], theirs: ThroughputWindow[]) => {
    const spread = pairedRatio(ours, theirs, PER_SECOND, 0);
    return spread && { ...spread, samples: completedIn(ours) + completedIn(theirs) };
  };
  const throughputRatios = {
    ensemble4_vs_by_hand_threads: throughputRatio(rtWindows, handWindows),
    ensemble4_throughput_vs_sequential: throughputRatio(rtWindows, sequentialWindows),
    ensemble4_throughput_by_hand_vs_sequential: throughputRatio(handWindows, sequentialWindows),
  };
  const spreads: Record<string, Spread> = {};
  for (const [key, spread] of Object.entries({ ...cpuRatios, ...throughputRatios }))
    if (spread) spreads[key] = spread;
  return {
    tables: [
      {
        title: `K models of ${SIZE.width} × ${SIZE.width} × ${SIZE.layers} layers on one input, mean of their outputs`,
        columns: [
          'K',
          'approach',
          'p50 ms',
          'p99 ms',
          `runs/s (${IN_FLIGHT} in flight)`,
          'throughput vs one after another',
          'event-loop delay p99 ms',
        ],
        rows: measured.map((m) => [
          m.k,
          m.approach,
          round(m.p50Ms),
          round(m.p99Ms),
          round(m.perSecond),
          round(m.perSecond / sequentialOf(m.k).perSecond),
          round(m.loopP99Ms),
        ]),
        note:
          'Model actors and the main-thread sessions both use one intra-op and one inter-op thread ' +
          'per session; the last K = 4 row gives the main-thread sessions ONNX Runtime’s default ' +
          'thread pool instead (one thread per core). Event-loop delay: how late a 1 ms timer on ' +
          'the calling thread fired (p99, the 1 ms interval taken off), sampled while the latency ' +
          `was measured. roundtable's fused output matched the main-thread mean to ${deviation.toExponential(1)}.`,
      },
      {
        title: `Throughput, K = 4, ${IN_FLIGHT} in flight, runs/s: median over windows (range)`,
        columns: ['approach', 'runs/s', 'runs', 'vs by hand', 'vs one after another'],
        rows: CPU_WAYS.map((approach, i) => [
          approach,
          cell(blockSpread(windows[i]!, PER_SECOND, 0)),
          completedIn(windows[i]!),
          i === 1 ? null : cell(throughputRatio(windows[i]!, handWindows)),
          i === 2 ? null : cell(throughputRatio(windows[i]!, sequentialWindows)),
        ]),
        note:
          `${turns.rounds} rounds of one ${turns.windowMs} ms closed-loop window per way, the order ` +
          'rotating so that each way runs first, second and last equally often; ratios are taken ' +
          'window by window within a round. The K = 4 throughput ratios of the report come from ' +
          'these windows, in every run of the suite; the runs/s of the table above are one longer ' +
          'window per way, in a fixed order.',
      },
      {
        title: 'CPU per plan, K = 4, µs: median over rounds (range)',
        columns: ['approach', 'process', "caller's thread", 'other threads', 'process / by hand'],
        rows: CPU_WAYS.map((approach, i) => [
          approach,
          cell(blockSpread(cpu[i]!, PROCESS, cpuCalls)),
          cell(blockSpread(cpu[i]!, CALLER, cpuCalls)),
          cell(blockSpread(cpu[i]!, OTHERS, cpuCalls)),
          i === 1 ? null : cell(pairedRatio(cpu[i]!, handCpu, PROCESS, cpuCalls)),
        ]),
        note:
          `${cpuCalls} plans one after another per block, one block per way in each of 3 rounds, ` +
          'the order rotating; CPU of the whole process over a block divided by its plans, so ' +
          'worker threads and any spinning count, the caller’s thread and the others apart ' +
          '(/proc/self/task/*/schedstat). The hand-written threads and roundtable do the same ' +
          'work: four 5 ms models on one input and the mean of their outputs.',
      },
    ],
    charts: [
      {
        file: 'ensemble-throughput.svg',
        title: `K = 4 ensemble: runs per second, ${IN_FLIGHT} in flight (higher is better)`,
        unit: 'runs/s',
        bars: four.map((m) => ({ label: shortName(m.approach), value: round(m.perSecond) })),
      },
      {
        file: 'ensemble-eventloop.svg',
        title: "K = 4 ensemble: caller's event-loop delay p99 (ms, lower is better)",
        unit: 'ms',
        bars: four.map((m) => ({ label: shortName(m.approach), value: round(m.loopP99Ms) })),
      },
    ],
    figures: {
      ensemble4_throughput_vs_sequential:
        throughputRatios.ensemble4_throughput_vs_sequential?.median ?? null,
      eventloop_p99_ms_roundtable: find(4, 'roundtable ensemble plan').loopP99Ms,
      ensemble4_throughput_by_hand_vs_sequential:
        throughputRatios.ensemble4_throughput_by_hand_vs_sequential?.median ?? null,
      ensemble4_throughput_vs_by_hand:
        throughputRatios.ensemble4_vs_by_hand_threads?.median ?? null,
      ensemble4_vs_by_hand_threads: throughputRatios.ensemble4_vs_by_hand_threads?.median ?? null,
      eventloop_p99_ms_by_hand: find(4, 'K worker threads by hand (postMessage)').loopP99Ms,
      ensemble4_cpu_vs_by_hand_threads: cpuRatios.ensemble4_cpu_vs_by_hand_threads?.median ?? null,
      ensemble4_caller_cpu_vs_by_hand_threads:
        cpuRatios.ensemble4_caller_cpu_vs_by_hand_threads?.median ?? null,
      eventloop_p99_ms_mainthread: sequentialOf(4).loopP99Ms,
      ensemble4_p50_ms_roundtable: find(4, 'roundtable ensemble plan').p50Ms,
      ensemble4_p50_ms_sequential: sequentialOf(4).p50Ms,
    },
    spreads,
    notes: [
      `K generated models of ${SIZE.width} × ${SIZE.width} × ${SIZE.layers} layers (\`sizedModel\` medium, ` +
        'about 5 ms each on one thread) on one input, their outputs averaged: one after another on ' +
        'the main thread with onnxruntime-node, Promise.all of the K session.run calls on the main ' +
        'thread, K worker threads written by hand (a session each, the input posted to each, the ' +
        "outputs transferred back and averaged), and roundtable's ensemble plan (K model actors, " +
        'one worker each; the K × 1024 floats are fused on the calling thread, see ' +
        'src/engines/fusion/inline-fuser.ts). Latency with one run in flight, throughput with two in flight.',
      'The machine has few cores: K single-threaded models can at best run cores-at-a-time, so ' +
        'on 2 cores the ceiling of any parallel ensemble is 2 × one after another.',
    ],
  };
}

function mean(outputs: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(outputs[0]!.length);
  for (const x of outputs) for (let i = 0; i < out.length; i++) out[i] = out[i]! + x[i]!;
  for (let i = 0; i < out.length; i++) out[i] = out[i]! / outputs.length;
  return out;
}

function shortName(approach: string): string {
  return approach
    .replace(', main thread', '')
    .replace(', ORT default threads', ' (ORT threads)')
    .replace(' (postMessage)', '');
}
