/**
 * Ask: one small model asked one request at a time, the way a service asks it, beside a worker
 * written by hand for the same model. Both sides do the same work: the caller hands over a host
 * tensor and gets a host tensor back, a worker thread runs the session.
 *
 * Three ways, in turns within each repeat (the order rotates between repeats):
 *  - by hand: `postMessage` + `session.run` in a worker (bench/fixtures/ask-worker.ts);
 *  - roundtable `actor.run` with host tensors (what users call);
 *  - roundtable `actor.runShared` with the feed already in the arena (the plan runner's path).
 * Five arrival patterns (bench/arrivals.ts): back to back, 1 ms and 5 ms apart, Poisson at 30 %
 * and 70 % of what the hand-written worker serves back to back, measured again right before each
 * repeat of a Poisson pattern (the machine's speed moves within minutes, and with it what 70 %
 * means). Per repeat: latency percentiles and CPU per ask (the process, and the caller's thread
 * apart from the others). Ratios are roundtable / by hand, computed per repeat; the report gives
 * their median and range. After the repeats, one long run per way at 70 % counts the caller's
 * thread's garbage-collection pauses.
 */
import type { ModelActor } from '../src/engines/onnx/model-actor.js';
import { classifier } from '../src/models/index.js';
import { Roundtable } from '../src/runtime/roundtable.js';
import type { TensorDescriptor } from '../src/tensor/index.js';
import { type Arrival, describeArrival, drive } from './arrivals.js';
import { CAPACITY, capacityOf } from './capacity.js';
import { type GcInBlock, GcPauses } from './gc-pauses.js';
import { HandWorker } from './hand-worker.js';
import { ASK_CLASSIFIER, seededFloats } from './models.js';
import { blockSpread, pairedRatio, quantile, type Spread, spreadOf } from './spread.js';
import type { Suite, SuiteContext, SuiteOutcome, Table } from './suite.js';
import { cpuBetween, cpuSnapshot } from './thread-cpu.js';
import { round } from './timing.js';

const SIDES = ['by hand', 'actor.run', 'actor.runShared'] as const;
type Side = (typeof SIDES)[number];

export const ask: Suite = {
  name: 'ask',
  title: 'Ask: one model, one request at a time, beside a hand-written worker',
  run: runAsk,
};

interface Block {
  readonly latenciesMs: number[];
  readonly cpuProcessUs: number;
  readonly cpuMainUs: number | null;
  readonly cpuOtherUs: number | null;
}

/**
 * Asks per way in the garbage-collection run: a collection on the caller's thread comes every
 * few thousand asks, so a block of the patterns above holds one or none.
 */
const GC_ASKS = 10_000;

/** An arrival pattern of the suite; a Poisson one is a share of the capacity measured before it. */
interface Pattern {
  readonly key: string;
  readonly label: string;
  readonly arrival: (capacity: number) => Arrival;
  readonly poisson: boolean;
}

const poissonAt = (share: number, seed: number): Pattern => ({
  key: `poisson${Math.round(share * 100)}`,
  label: `Poisson at ${Math.round(share * 100)} % of capacity`,
  arrival: (capacity) => ({ kind: 'poisson', perSecond: share * capacity, seed }),
  poisson: true,
});

const fixed = (key: string, arrival: Arrival): Pattern => ({
  key,
  label: describeArrival(arrival),
  arrival: () => arrival,
  poisson: false,
});

const PATTERNS: readonly Pattern[] = [
  fixed('back-to-back', { kind: 'back-to-back' }),
  fixed('spaced', { kind: 'gap', ms: 1 }),
  fixed('gap5', { kind: 'gap', ms: 5 }),
  poissonAt(0.3, 30),
  poissonAt(0.7, 70),
];

async function runAsk(context: SuiteContext): Promise<SuiteOutcome> {
  const model = classifier(ASK_CLASSIFIER).bytes;
  const dims = [1, ASK_CLASSIFIER.inputSize];
  const data = seededFloats(8, ASK_CLASSIFIER.inputSize);
  const repeats = context.quick ? 3 : 5;
  const asks = context.quick ? 150 : 400;

  const byHand = await HandWorker.start(model, 'features', 'logits');
  const runtime = await Roundtable.create();
  let feed: TensorDescriptor | undefined;
  try {
    // A mailbox that holds a burst of Poisson arrivals, as the hand-written worker's port does.
    const actor: ModelActor = await runtime.spawnModel('ask-classifier', {
      model,
      mailbox: { capacity: 4096, overflow: 'wait' },
    });
    feed = runtime.arena.writeTensor('float32', dims, data);
    const shared = feed;
    const calls: Record<Side, () => Promise<unknown>> = {
      'by hand': () => byHand.ask(data, dims),
      'actor.run': () => actor.run({ features: { dtype: 'float32', dims, data } }),
      'actor.runShared': async () => {
        const result = await actor.runShared({ features: shared });
        for (const name in result.outputs) runtime.arena.release(result.outputs[name]!);
      },
    };
    for (const side of SIDES) await drive(calls[side], { kind: 'back-to-back' }, 300);
    const capacities: number[] = [];
    const capacityNow = async () => {
      const capacity = await capacityOf(calls['by hand']);
      capacities.push(capacity);
      return capacity;
    };

    const measured = new Map<string, Map<Side, Block[]>>();
    for (const pattern of PATTERNS) {
      context.log(`ask: ${pattern.label}, ${repeats} × ${asks} asks per way`);
      const blocks = new Map<Side, Block[]>(SIDES.map((side) => [side, []]));
      for (let r = 0; r < repeats; r++) {
        // Every way of a repeat gets the same arrivals, at the rate of the capacity just measured.
        const arrival = pattern.arrival(pattern.poisson ? await capacityNow() : 0);
        for (let s = 0; s < SIDES.length; s++) {
          const side = SIDES[(s + r) % SIDES.length]!;
          blocks.get(side)!.push(await measureBlock(calls[side], arrival, asks));
        }
      }
      measured.set(pattern.key, blocks);
    }
    const gcAsks = context.quick ? GC_ASKS / 5 : GC_ASKS;
    context.log(`ask: caller's garbage collection, Poisson at 70 %, ${gcAsks} asks per way`);
    const near = PATTERNS.find((p) => p.key === 'poisson70')!.arrival(await capacityNow());
    const collected = await collections(calls, near, gcAsks);
    return report(measured, asks, capacities, { near, asks: gcAsks, collected });
  } finally {
    if (feed) runtime.arena.release(feed);
    await runtime.close();
    await byHand.close();
  }
}

async function measureBlock(
  call: () => Promise<unknown>,
  arrival: Arrival,
  asks: number,
): Promise<Block> {
  const before = cpuSnapshot();
  const latenciesMs = await drive(call, arrival, asks);
  const spent = cpuBetween(before, cpuSnapshot());
  return {
    latenciesMs,
    cpuProcessUs: spent.processUs / asks,
    cpuMainUs: spent.mainUs === null ? null : spent.mainUs / asks,
    cpuOtherUs: spent.otherUs === null ? null : spent.otherUs / asks,
  };
}

/** Each way's garbage collection on the caller's thread over one long run of `asks`. */
async function collections(
  calls: Record<Side, () => Promise<unknown>>,
  arrival: Arrival,
  asks: number,
): Promise<Map<Side, GcInBlock>> {
  const gc = new GcPauses();
  const windows = new Map<Side, [number, number]>();
  for (const side of SIDES) {
    const from = performance.now();
    await drive(calls[side], arrival, asks);
    windows.set(side, [from, performance.now()]);
  }
  await gc.stop();
  return new Map(SIDES.map((side) => [side, gc.between(...windows.get(side)!)]));
}

type Measure = (block: Block) => number | null;
const MEASURES = {
  p50: (b: Block) => quantile(b.latenciesMs, 0.5) * 1000,
  p90: (b: Block) => quantile(b.latenciesMs, 0.9) * 1000,
  p99: (b: Block) => quantile(b.latenciesMs, 0.99) * 1000,
  cpu: (b: Block) => b.cpuProcessUs,
  cpuMain: (b: Block) => b.cpuMainUs,
  cpuOther: (b: Block) => b.cpuOtherUs,
} satisfies Record<string, Measure>;

function report(
  measured: ReadonlyMap<string, ReadonlyMap<Side, Block[]>>,
  asks: number,
  capacities: readonly number[],
  gc: {
    readonly near: Arrival;
    readonly asks: number;
    readonly collected: ReadonlyMap<Side, GcInBlock>;
  },
): SuiteOutcome {
  const { collected, asks: gcAsks } = gc;
  const cell = (s: Spread | null) =>
    s === null ? null : `${round(s.median)} (${round(s.min)}–${round(s.max)})`;
  const latencyRows = [];
  const cpuRows = [];
  const spreads: Record<string, Spread> = {};
  for (const { key, label } of PATTERNS) {
    const blocks = measured.get(key)!;
    const hand = blocks.get('by hand')!;
    for (const side of SIDES) {
      const own = blocks.get(side)!;
      latencyRows.push([
        label,
        side,
        cell(blockSpread(own, MEASURES.p50, asks)),
        cell(blockSpread(own, MEASURES.p90, asks)),
        cell(blockSpread(own, MEASURES.p99, asks)),
        side === 'by hand' ? null : cell(pairedRatio(own, hand, MEASURES.p50, asks)),
        side === 'by hand' ? null : cell(pairedRatio(own, hand, MEASURES.p99, asks)),
      ]);
      cpuRows.push([
        label,
        side,
        cell(blockSpread(own, MEASURES.cpu, asks)),
        cell(blockSpread(own, MEASURES.cpuMain, asks)),
        cell(blockSpread(own, MEASURES.cpuOther, asks)),
        side === 'by hand' ? null : cell(pairedRatio(own, hand, MEASURES.cpu, asks)),
      ]);
    }
    const host = blocks.get('actor.run')!;
    const put = (name: string, s: Spread | null) => {
      if (s) spreads[name] = s;
    };
    put(`ask_p50_${key}_vs_by_hand`, pairedRatio(host, hand, MEASURES.p50, asks));
    put(`ask_p99_${key}_vs_by_hand`, pairedRatio(host, hand, MEASURES.p99, asks));
    put(`ask_cpu_${key}_vs_by_hand`, pairedRatio(host, hand, MEASURES.cpu, asks));
  }
  const figures: Record<string, number | null> = {};
  for (const [name, s] of Object.entries(spreads)) figures[name] = s.median;
  const tables: Table[] = [
    {
      title: 'Latency of one ask, µs: median over repeats (range)',
      columns: ['arrivals', 'way', 'p50', 'p90', 'p99', 'p50 / by hand', 'p99 / by hand'],
      rows: latencyRows,
      note:
        `Each way ran ${asks} asks per repeat, the ways in turns, the order rotating between ` +
        'repeats; a ratio compares the two blocks of one repeat. Latency runs from the ask to ' +
        'its answer; with spaced arrivals the asks start on their schedule whether or not the ' +
        'earlier ones have settled. The Poisson rates are shares of what the hand-written worker ' +
        `served back to back, measured before each repeat (the median of ${CAPACITY.blocks} blocks ` +
        `of ${CAPACITY.asks} asks, after ${CAPACITY.warm} left out): ${capacityRange(capacities)} asks/s.`,
    },
    {
      title: 'CPU per ask, µs: median over repeats (range)',
      columns: [
        'arrivals',
        'way',
        'process',
        "caller's thread",
        'other threads',
        'process / by hand',
      ],
      rows: cpuRows,
      note:
        'CPU time of the whole process over a block divided by its asks, so a thread that spins ' +
        'or polls is counted; the caller’s thread and the others (workers, ONNX Runtime, libuv) ' +
        'apart, from /proc/self/task/*/schedstat.',
    },
    {
      title: `Garbage collection on the caller's thread over ${gcAsks} asks, ${describeArrival(gc.near)}`,
      columns: [
        'way',
        'collections',
        'per 1000 asks',
        'ms paused per 1000 asks',
        'median pause, ms',
        'longest, ms',
      ],
      rows: SIDES.map((side) => {
        const g = collected.get(side)!;
        const n = g.pausesMs.length;
        return [
          side,
          n,
          round((n * 1000) / gcAsks),
          round((g.pausedMs * 1000) / gcAsks),
          n ? round(quantile(g.pausesMs, 0.5)) : null,
          round(g.longestMs),
        ];
      }),
      note:
        "Every collection Node reported on the caller's thread ('gc' performance entries, all " +
        'kinds) while one way ran its asks, after the patterns above, one way after another. A ' +
        'pause delays every answer the thread takes meanwhile: near capacity, the asks that ' +
        'arrive during it reach the latency tail.',
    },
  ];
  return {
    tables,
    charts: [
      {
        file: 'ask-spaced.svg',
        title: 'One ask 1 ms apart, p50 (µs, lower is better)',
        unit: 'µs',
        bars: SIDES.map((side) => ({
          label: side,
          value: round(blockSpread(measured.get('spaced')!.get(side)!, MEASURES.p50, asks)?.median),
        })),
      },
    ],
    figures: {
      ...figures,
      ask_p50_spaced_vs_by_hand: figures.ask_p50_spaced_vs_by_hand ?? null,
      ask_p99_poisson70_vs_by_hand: figures.ask_p99_poisson70_vs_by_hand ?? null,
      ask_cpu_spaced_vs_by_hand: figures.ask_cpu_spaced_vs_by_hand ?? null,
    },
    spreads,
    notes: [
      'One 64 → 64 → 10 classifier, asked with host tensors by roundtable and by a worker written ' +
        'by hand (postMessage + session.run, 30 lines), under five arrival patterns, with CPU time ' +
        'per ask beside latency.',
    ],
  };
}

/** The capacities measured, as "median (min–max)". */
function capacityRange(capacities: readonly number[]): string {
  const s = spreadOf(capacities, 0);
  return `${Math.round(s.median)} (${Math.round(s.min)}–${Math.round(s.max)})`;
}
