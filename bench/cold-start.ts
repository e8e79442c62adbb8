/**
 * Cold start: a service that takes traffic right after it starts. Each way runs in a fresh
 * process (bench/fixtures/cold-start-child.ts), so V8 has compiled none of its code, and asks
 * arrive at random at 70 % of the hand-written worker's capacity from the very first one:
 *  - by hand: the ask suite's hand-written worker;
 *  - by hand after the same warm-up: the same, after the asks `actor.warmUp(feeds)` makes;
 *  - actor.run, cold: a roundtable model actor, asked as soon as it is spawned;
 *  - actor.run after warmUp(): the same, after `actor.warmUp(feeds)` with its defaults.
 * Each actor is set against the hand-written worker warmed up alike.
 * The other suites warm every way up before they measure; this one measures what they leave
 * out. The capacity is measured in this process right before each round, and the ways of a
 * round see the same arrivals, in an order that rotates between rounds.
 */
import type { ChildProcess } from 'node:child_process';
import { classifier } from '../src/models/index.js';
import { CAPACITY, capacityOf } from './capacity.js';
import { forkChild, message, stop } from './child-process.js';
import {
  COLD_START_WAYS,
  type ColdStartRequest,
  type ColdStartResult,
  type ColdStartWay,
} from './fixtures/cold-start-child.js';
import { HandWorker } from './hand-worker.js';
import { ASK_CLASSIFIER, seededFloats } from './models.js';
import { quantile, type Spread, spreadOf } from './spread.js';
import type { Suite, SuiteContext, SuiteOutcome } from './suite.js';
import { round } from './timing.js';

export const coldStart: Suite = {
  name: 'cold-start',
  title: "Cold start: a fresh process's first asks, beside a hand-written worker",
  run: runColdStart,
};

const SHARE = 0.7;

/** The hand-written way each actor is set against: warmed up as much as it is. */
const WARMED_ALIKE: Partial<Record<ColdStartWay, ColdStartWay>> = {
  'actor.run, cold': 'by hand',
  'actor.run after warmUp()': 'by hand after the same warm-up',
};
const CHILD_TIMEOUT_MS = 120_000;

interface Round {
  readonly perSecond: number;
  readonly results: ReadonlyMap<ColdStartWay, ColdStartResult>;
}

async function runColdStart(context: SuiteContext): Promise<SuiteOutcome> {
  const rounds = context.quick ? 1 : COLD_START_WAYS.length;
  const blocks = context.quick ? 4 : 8;
  const asks = context.quick ? 250 : 500;
  const dims = [1, ASK_CLASSIFIER.inputSize];
  const data = seededFloats(8, ASK_CLASSIFIER.inputSize);
  const byHand = await HandWorker.start(classifier(ASK_CLASSIFIER).bytes, 'features', 'logits');
  const measured: Round[] = [];
  try {
    for (let r = 0; r < rounds; r++) {
      const perSecond = SHARE * (await capacityOf(() => byHand.ask(data, dims)));
      const results = new Map<ColdStartWay, ColdStartResult>();
      for (let w = 0; w < COLD_START_WAYS.length; w++) {
        const way = COLD_START_WAYS[(w + r) % COLD_START_WAYS.length]!;
        context.log(`cold-start: "${way}" in a fresh process, ${blocks} × ${asks} asks`);
        results.set(way, await inFreshProcess({ way, perSecond, blocks, asks, seed: 500 + r }));
      }
      measured.push({ perSecond, results });
    }
  } finally {
    await byHand.close();
  }
  return report(measured, blocks, asks);
}

async function inFreshProcess(request: ColdStartRequest): Promise<ColdStartResult> {
  const child: ChildProcess = forkChild(new URL('./fixtures/cold-start-child.ts', import.meta.url));
  try {
    const answer = message<ColdStartResult>(child, () => true, CHILD_TIMEOUT_MS);
    child.send(request);
    return await answer;
  } finally {
    await stop(child);
  }
}

/** The first block's latencies, and those of the second half of the blocks (the steady state). */
const first = (result: ColdStartResult) => result.blocks[0]!;
const later = (result: ColdStartResult) =>
  result.blocks.slice(Math.floor(result.blocks.length / 2)).flatMap((b) => b.latenciesMs);
const p = (q: number) => (latenciesMs: readonly number[]) => quantile(latenciesMs, q);

function report(measured: readonly Round[], blocks: number, asks: number): SuiteOutcome {
  const over = (way: ColdStartWay, measure: (result: ColdStartResult) => number | null) => {
    const values = measured.map((r) => measure(r.results.get(way)!));
    return values.some((v) => v === null)
      ? null
      : spreadOf(values as number[], measured.length * asks);
  };
  /** Per round: the way's measure over that of the hand-written worker warmed up alike. */
  const vsByHand = (way: ColdStartWay, measure: (result: ColdStartResult) => number) => {
    const alike = WARMED_ALIKE[way]!;
    return spreadOf(
      measured.map((r) => measure(r.results.get(way)!) / measure(r.results.get(alike)!)),
      measured.length * asks * 2,
    );
  };
  const cell = (s: Spread | null) =>
    s === null ? null : `${round(s.median)} (${round(s.min)}–${round(s.max)})`;
  const firstP99 = (result: ColdStartResult) => p(0.99)(first(result).latenciesMs);
  const laterFrom = Math.floor(blocks / 2) * asks + 1;
  const rows = COLD_START_WAYS.map((way) => [
    way,
    cell(over(way, (r) => r.readyMs)),
    cell(over(way, (r) => r.warmUp?.asks ?? null)),
    cell(over(way, (r) => p(0.5)(first(r).latenciesMs))),
    cell(over(way, firstP99)),
    cell(over(way, (r) => first(r).cpuMainUs)),
    cell(over(way, (r) => first(r).cpuOtherUs)),
    cell(over(way, (r) => p(0.5)(later(r)))),
    cell(over(way, (r) => p(0.99)(later(r)))),
    way in WARMED_ALIKE ? cell(vsByHand(way, firstP99)) : null,
  ]);
  const spreads = {
    cold_start_p99_vs_by_hand: vsByHand('actor.run, cold', firstP99),
    warmed_start_p99_vs_warmed_by_hand: vsByHand('actor.run after warmUp()', firstP99),
  };
  const rates = spreadOf(
    measured.map((r) => r.perSecond),
    0,
  );
  return {
    tables: [
      {
        title: `A fresh process's first ${asks} asks and its later ones, asks at random at ${SHARE * 100} % of capacity from the first: median over processes (range)`,
        columns: [
          'way',
          'ready after, ms',
          'warm-up asks',
          `first ${asks}: p50 ms`,
          `first ${asks}: p99 ms`,
          `first ${asks}: caller's CPU per ask, µs`,
          `first ${asks}: other threads' CPU per ask, µs`,
          `asks ${laterFrom}–${blocks * asks}: p50 ms`,
          `asks ${laterFrom}–${blocks * asks}: p99 ms`,
          `first ${asks}: p99 / by hand, warmed up alike`,
        ],
        rows,
        note:
          `Each way ran in ${measured.length} fresh processes, one per round, the order rotating ` +
          `between rounds; the ways of a round saw the same arrivals, ${blocks} blocks of ${asks} ` +
          'asks, each block starting once the one before had settled. "Ready after" runs from ' +
          "the process's request to its first ask: the worker started and the model loaded, and " +
          'for the warmed-up ways their warm-up: `actor.warmUp(feeds)` with its defaults, and for ' +
          'the hand-written worker the same asks through the same function. The rate ' +
          `is ${SHARE * 100} % of what the hand-written worker served back to back in the suite's ` +
          `own process right before each round (the median of ${CAPACITY.blocks} blocks of ` +
          `${CAPACITY.asks} asks): ${Math.round(rates.median)} (${Math.round(rates.min)}–` +
          `${Math.round(rates.max)}) asks/s. CPU from /proc/self/task/*/schedstat; the other ` +
          "threads are the model's worker, ONNX Runtime's, libuv's and V8's compiler threads.",
      },
    ],
    charts: [],
    figures: Object.fromEntries(Object.entries(spreads).map(([key, s]) => [key, s.median])),
    spreads,
    notes: [
      'The same classifier as the ask suite, each way started in a process of its own and asked ' +
        'at random near capacity from its first ask: what a service that takes traffic as soon ' +
        'as it starts sees, before V8 has optimized the code an ask runs through.',
    ],
  };
}
