/**
 * Exchange: gathering the outputs of K = 4 workers on the main thread, at 4 KiB, 64 KiB and 1 MiB
 * each, by structured clone, by transfer (a new ArrayBuffer per output, in the transfer list), and
 * through the arena (each worker allocates a block of the shared slabs, writes into it, and posts
 * its descriptor; the main thread checks the descriptor, reads, releases). Every variant includes
 * the worker writing its output and the main thread checking the values it got.
 *
 * Then the copies roundtable makes at the onnxruntime-node boundary, from the model actors' own
 * counters: onnxruntime-node refuses SharedArrayBuffer-backed arrays, so each hop copies its
 * inputs out of the arena and its outputs into it.
 */
import type { Worker } from 'node:worker_threads';
import { MODEL_SIZES, nextTokenModel, sizedModel } from '../src/models/index.js';
import { Roundtable } from '../src/runtime/roundtable.js';
import { Arena, type TensorDescriptor } from '../src/tensor/index.js';
import { spawnWorker } from '../src/util/spawn-worker.js';
import type { ExchangeMethod, ExchangeReply, ExchangeRequest } from './fixtures/exchange-worker.js';
import { identityModel, seededFloats } from './models.js';
import type { Suite, SuiteContext, SuiteOutcome, Table } from './suite.js';
import { budget, median, round, type Timing, time } from './timing.js';

const K = 4;
const SIZES = [
  { label: '4 KiB', bytes: 4 * 1024 },
  { label: '64 KiB', bytes: 64 * 1024 },
  { label: '1 MiB', bytes: 1024 * 1024 },
] as const;
const METHODS: readonly { method: ExchangeMethod; label: string }[] = [
  { method: 'clone', label: 'structured clone' },
  { method: 'transfer', label: 'transfer (ArrayBuffer in transferList)' },
  { method: 'arena', label: 'arena descriptors (SharedArrayBuffer)' },
];

export const exchange: Suite = {
  name: 'exchange',
  title: 'Exchange: gathering K = 4 outputs from K workers',
  run: runExchange,
};

async function runExchange(context: SuiteContext): Promise<SuiteOutcome> {
  const gatherTable = await measureGathers(context);
  const boundary = await measureBoundary(context);
  return {
    tables: [gatherTable.table, boundary],
    charts: [
      {
        file: 'exchange-1mib.svg',
        title: 'Gather 4 × 1 MiB from 4 workers, p50 (µs, lower is better)',
        unit: 'µs',
        bars: METHODS.map((m) => ({
          label: m.label,
          value: round(gatherTable.timings.get(`${m.method} 1 MiB`)?.p50Us),
        })),
      },
    ],
    figures: {
      gather_1mib_arena_vs_clone:
        (gatherTable.timings.get('arena 1 MiB')?.p50Us ?? Number.NaN) /
        (gatherTable.timings.get('clone 1 MiB')?.p50Us ?? Number.NaN),
    },
    notes: [
      'One gather = the main thread asks the 4 workers at once and waits until it holds all 4 ' +
        'outputs and has checked their first and last values. The 4 workers share 2 cores.',
    ],
  };
}

async function measureGathers(
  context: SuiteContext,
): Promise<{ table: Table; timings: Map<string, Timing> }> {
  const arena = Arena.create();
  const workers = Array.from({ length: K }, () =>
    spawnWorker(new URL('./fixtures/exchange-worker.js', import.meta.url), {
      workerData: arena.handle(),
    }),
  );
  const gatherer = new Gatherer(arena, workers);
  const timings = new Map<string, Timing>();
  try {
    const limits = budget(context, { timeMs: 1000, minSamples: 64 }, { timeMs: 300 });
    for (const size of SIZES) {
      for (const { method } of METHODS) {
        context.log(`exchange: ${method} ${size.label}`);
        const floats = size.bytes / 4;
        timings.set(
          `${method} ${size.label}`,
          await time(`${method} ${size.label}`, () => gatherer.gather(method, floats), limits),
        );
      }
    }
    if (arena.stats().liveAllocations !== 0) {
      throw new Error(`exchange leaked ${arena.stats().liveAllocations} arena blocks`);
    }
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  const rows = METHODS.map(({ method, label }) => [
    label,
    ...SIZES.flatMap((size) => {
      const t = timings.get(`${method} ${size.label}`)!;
      return [round(t.p50Us), round(t.p99Us)];
    }),
  ]);
  return {
    table: {
      title: 'Gather K = 4 outputs from 4 workers (µs per gather)',
      columns: ['method', ...SIZES.flatMap((s) => [`${s.label} p50`, `${s.label} p99`])],
      rows,
    },
    timings,
  };
}

/** Asks every worker for one output and waits for all K, checking the values each holds. */
class Gatherer {
  readonly #arena: Arena;
  readonly #workers: readonly Worker[];
  #id = 0;
  #waiting = 0;
  #done: (() => void) | undefined;
  #fail: ((error: Error) => void) | undefined;

  constructor(arena: Arena, workers: readonly Worker[]) {
    this.#arena = arena;
    this.#workers = workers;
    for (const worker of workers) worker.on('message', (reply) => this.#receive(reply));
  }

  gather(method: ExchangeMethod, floats: number): Promise<void> {
    // Float32 holds integers exactly up to 2^24: ids stay below.
    this.#id = (this.#id + 1) % 2 ** 24;
    const request: ExchangeRequest = { id: this.#id, method, floats };
    return new Promise<void>((resolve, reject) => {
      this.#waiting = this.#workers.length;
      this.#done = resolve;
      this.#fail = reject;
      for (const worker of this.#workers) worker.postMessage(request);
    });
  }

  #receive(reply: ExchangeReply): void {
    if (reply.type === 'slab') {
      this.#arena.attachSlab(reply.slab, reply.buffer);
      return;
    }
    let data: Float32Array;
    if (reply.type === 'data') data = reply.data;
    else data = this.#arena.view(reply.descriptor as TensorDescriptor<'float32'>) as Float32Array;
    const ok = data[0] === reply.id && data[data.length - 1] === reply.id && reply.id === this.#id;
    if (reply.type === 'descriptor') this.#arena.release(reply.descriptor as TensorDescriptor);
    if (!ok) {
      this.#fail?.(new Error(`exchange: output of request ${reply.id} holds wrong values`));
      return;
    }
    if (--this.#waiting === 0) this.#done?.();
  }
}

/** Bytes each hop copies at the onnxruntime-node boundary, and the worker's time outside session.run. */
async function measureBoundary(context: SuiteContext): Promise<Table> {
  const runs = context.quick ? 12 : 40;
  const runtime = await Roundtable.create();
  const models = [
    {
      name: 'Identity, float32 [1, 262144] (1 MiB)',
      bytes: identityModel(262_144),
      feed: { dtype: 'float32' as const, dims: [1, 262_144], data: seededFloats(3, 262_144) },
    },
    ...(['tiny', 'small', 'medium'] as const).map((size) => ({
      name: `sized ${size} (${MODEL_SIZES[size].width} wide, ${MODEL_SIZES[size].layers} layers)`,
      bytes: sizedModel({ seed: 7, ...MODEL_SIZES[size] }).bytes,
      feed: {
        dtype: 'float32' as const,
        dims: [1, MODEL_SIZES[size].width],
        data: seededFloats(4, MODEL_SIZES[size].width),
      },
    })),
    {
      name: 'next-token (context 8 → 4000 logits)',
      bytes: nextTokenModel({ seed: 8 }).bytes,
      feed: {
        dtype: 'int64' as const,
        dims: [1, 8],
        data: BigInt64Array.from([5, 9, 13, 2, 7, 11, 3, 4], BigInt),
      },
    },
  ];
  const rows = [];
  try {
    for (const [index, model] of models.entries()) {
      context.log(`exchange: onnxruntime-node boundary, ${model.name}`);
      const actor = await runtime.spawnModel(`boundary${index}`, { model: model.bytes });
      const feed = runtime.arena.writeTensor(
        model.feed.dtype,
        model.feed.dims,
        model.feed.data as never,
      );
      const outside: number[] = [];
      const inside: number[] = [];
      let copiedIn = 0;
      let copiedOut = 0;
      for (let i = 0; i < runs; i++) {
        const result = await actor.runShared({ [actor.inputs[0]!.name]: feed });
        for (const name in result.outputs) runtime.arena.release(result.outputs[name]!);
        outside.push((result.stats.totalMs - result.stats.runMs) * 1000);
        inside.push(result.stats.runMs * 1000);
        copiedIn = result.stats.copiedIn;
        copiedOut = result.stats.copiedOut;
      }
      runtime.arena.release(feed);
      rows.push([
        model.name,
        copiedIn,
        copiedOut,
        round(median(outside.slice(2))),
        round(median(inside.slice(2))),
      ]);
    }
  } finally {
    await runtime.close();
  }
  return {
    title: 'Copies per hop at the onnxruntime-node boundary (from the model actors’ stats)',
    columns: [
      'model',
      'bytes copied in',
      'bytes copied out',
      'worker µs outside session.run (p50)',
      'session.run µs (p50)',
    ],
    rows,
    note:
      'Each hop copies its inputs from the arena into a private staging buffer and its outputs ' +
      'from ONNX Runtime into the arena: onnxruntime-node 1.30 refuses typed arrays over a ' +
      'SharedArrayBuffer. "Outside session.run" is the rest of the worker’s time on the message: ' +
      'descriptor checks, both copies, allocation of the output block.',
  };
}
