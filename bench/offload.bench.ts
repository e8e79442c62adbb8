/**
 * Does piscina earn a place in the runtime? The stateless CPU-heavy JavaScript steps of the
 * translation layer, each run two ways on the same inputs:
 *
 * - caller: on the main thread, as the code runs today (between MBR segments the loop yields,
 *   as a service does between requests);
 * - piscina: on a pool of as many threads as cores, the caller awaiting `pool.run` (MBR through
 *   the runtime's MbrPool, src/mt/mbr/mbr-pool.ts: every segment a task, all in flight at once).
 *
 * Steps: MBR selection (sentence chrF candidate by candidate, what `Translator`'s `mbr` method
 * runs per segment), corpus chrF and BLEU over a large file (what `roundtable score` runs), and a
 * TMX import into a fresh SQLite memory (what `roundtable tm import` runs). QE is not among them:
 * its per-token step already runs in a custom actor on a worker (src/mt/qe/qe-score-actor.ts).
 *
 * For each: wall time for the whole batch (throughput) and the longest event-loop stall of the
 * caller while it ran (the longest gap between ticks of a 1 ms interval): how long any other
 * request of a service would have waited. Inputs come from the seeded synthetic TMX corpus.
 *
 * Run: npx tsx bench/offload.bench.ts [--quick]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep, setImmediate as yieldToLoop } from 'node:timers/promises';
import { Piscina } from 'piscina';
import { mbrSelect } from '../src/mt/mbr/mbr.js';
import { MbrPool } from '../src/mt/mbr/mbr-pool.js';
import { corpusBleu, corpusChrf } from '../src/mt/metrics/index.js';
import { TranslationMemory } from '../src/mt/tm/index.js';
import { seededRandom } from '../src/util/mulberry32.js';
import { syntheticCorpus, writeSyntheticTmx } from '../test/fixtures/tmx/synthetic-corpus.js';
import type { OffloadTask } from './fixtures/offload-worker.js';

export interface OffloadRow {
  readonly step: string;
  readonly where: 'caller' | 'piscina';
  /** Whole batch, best of the repeats. */
  readonly ms: number;
  /** Longest event-loop stall of the caller during that run. */
  readonly stallMs: number;
}

const quick = process.argv.includes('--quick');
const SEGMENTS = quick ? 100 : 300;
const CANDIDATES = 16;
const CORPUS = quick ? 5_000 : 20_000;
const TMX_UNITS = quick ? 5_000 : 20_000;
const REPEATS = quick ? 2 : 3;

/**
 * Runs `work` and measures its wall time and the caller's longest event-loop stall: the longest
 * gap between the ticks of a 1 ms interval (so about 1 ms when nothing blocks). perf_hooks'
 * monitorEventLoopDelay misses a stall that starts right after it is enabled (its first sample
 * only sets a baseline), hence this ticker, started a few ticks before the work.
 */
async function measure(work: () => Promise<unknown>): Promise<{ ms: number; stallMs: number }> {
  let last = performance.now();
  let longest = 0;
  const ticker = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 1);
  await sleep(5);
  longest = 0;
  const started = performance.now();
  await work();
  const ms = performance.now() - started;
  // Let the ticker fire once more, so a stall that ends with the work is recorded.
  await sleep(5);
  clearInterval(ticker);
  return { ms, stallMs: longest };
}

async function best(work: () => Promise<unknown>): Promise<{ ms: number; stallMs: number }> {
  let result = { ms: Number.POSITIVE_INFINITY, stallMs: Number.POSITIVE_INFINITY };
  for (let i = 0; i < REPEATS; i++) {
    const { ms, stallMs } = await measure(work);
    // The stall reported is that of the best run: the two are read from one run.
    if (ms < result.ms) result = { ms, stallMs };
  }
  return result;
}

export async function offloadBench(): Promise<OffloadRow[]> {
  const corpus = syntheticCorpus(2026);
  const random = seededRandom(7);
  const references = Array.from({ length: CORPUS }, (_, n) => corpus.translate(corpus.sentence(n)));
  const hyps = references.map((ref) => corpus.perturb(ref, 1 + Math.floor(random() * 3), random));
  const segments = Array.from({ length: SEGMENTS }, (_, n) => {
    const reference = references[n]!;
    return Array.from({ length: CANDIDATES }, () =>
      corpus.perturb(reference, Math.floor(random() * 4), random),
    );
  });
  const dir = mkdtempSync(join(os.tmpdir(), 'offload-bench-'));
  const tmx = join(dir, 'memory.tmx');
  await writeSyntheticTmx(tmx, corpus, TMX_UNITS);
  let databases = 0;
  const database = () => join(dir, `tm-${databases++}.db`);

  const fixture = import.meta.url.endsWith('.ts') ? 'offload-worker.ts' : 'offload-worker.js';
  const pool = new Piscina({
    filename: new URL(`./fixtures/${fixture}`, import.meta.url).href,
    minThreads: os.availableParallelism(),
    maxThreads: os.availableParallelism(),
  });
  const offload = (task: OffloadTask) => pool.run(task) as Promise<number>;
  // MBR through the runtime's own API (src/mt/mbr/mbr-pool.ts), on as many threads.
  const mbrPool = MbrPool.create({ threads: os.availableParallelism() });
  const refs = [references];
  const steps: [string, () => Promise<unknown>, () => Promise<unknown>][] = [
    [
      `MBR, ${SEGMENTS} segments × ${CANDIDATES} candidates`,
      async () => {
        for (const candidates of segments) {
          mbrSelect(candidates);
          await yieldToLoop();
        }
      },
      () => Promise.all(segments.map((candidates) => mbrPool.select(candidates))),
    ],
    [
      `corpus chrF, ${CORPUS} sentences`,
      async () => corpusChrf(hyps, refs),
      () => offload({ job: 'chrf', hyps, refs }),
    ],
    [
      `corpus BLEU, ${CORPUS} sentences`,
      async () => corpusBleu(hyps, refs),
      () => offload({ job: 'bleu', hyps, refs }),
    ],
    [
      `TMX import, ${TMX_UNITS} units`,
      async () => {
        const tm = TranslationMemory.open(database());
        try {
          await tm.importTmx(tmx);
        } finally {
          tm.close();
        }
      },
      () => offload({ job: 'tmx', tmx, db: database() }),
    ],
  ];
  const rows: OffloadRow[] = [];
  try {
    // Every pool thread started and its task module loaded before anything is timed.
    await Promise.all(
      segments
        .slice(0, 8)
        .flatMap((candidates) => [
          offload({ job: 'chrf', hyps: candidates, refs: [candidates] }),
          mbrPool.select(candidates),
        ]),
    );
    for (const [step, onCaller, onPool] of steps) {
      rows.push({ step, where: 'caller', ...(await best(onCaller)) });
      rows.push({ step, where: 'piscina', ...(await best(onPool)) });
    }
  } finally {
    await Promise.all([pool.destroy(), mbrPool.close()]);
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = await offloadBench();
  const [load] = os.loadavg();
  console.log(
    `offload to piscina, Node ${process.version}, ${os.availableParallelism()} cores, ` +
      `load average ${load!.toFixed(2)}; best of ${REPEATS}`,
  );
  console.table(
    rows.map((r) => ({
      step: r.step,
      where: r.where,
      'wall ms': Number(r.ms.toFixed(1)),
      'longest stall ms': Number(r.stallMs.toFixed(1)),
    })),
  );
}
