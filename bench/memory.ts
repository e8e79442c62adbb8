/**
 * Memory: the process's resident set and the arena's high-water mark over a long run of many
 * plans (ensembles of two small models and short greedy decodes, four plans in flight), sampled
 * at a fixed interval. A runtime that leaks shows a resident set that keeps growing, or arena
 * bytes still in use once every plan has settled.
 */
import { performance } from 'node:perf_hooks';
import { MODEL_SIZES, nextTokenModel, sizedModel } from '../src/models/index.js';
import { decode, ensemble } from '../src/plans/builders.js';
import { Roundtable } from '../src/runtime/roundtable.js';
import { seededFloats } from './models.js';
import type { Suite, SuiteContext, SuiteOutcome } from './suite.js';
import { round } from './timing.js';

const IN_FLIGHT = 4;
const MiB = 2 ** 20;

export const memory: Suite = {
  name: 'memory',
  title: 'Memory: resident set and arena high-water mark over a long run',
  run: runMemory,
};

interface Sample {
  readonly seconds: number;
  readonly plans: number;
  readonly rssMiB: number;
  readonly heapMiB: number;
  readonly arenaInUseKiB: number;
  readonly arenaHighWaterKiB: number;
  readonly arenaReservedMiB: number;
}

async function runMemory(context: SuiteContext): Promise<SuiteOutcome> {
  const durationMs = context.quick ? 8_000 : 60_000;
  const intervalMs = context.quick ? 500 : 2_000;
  const runtime = await Roundtable.create();
  const samples: Sample[] = [];
  let plans = 0;
  let failures = 0;
  try {
    const width = MODEL_SIZES.tiny.width;
    await Promise.all([
      ...[51, 52].map((seed, k) =>
        runtime.spawnModel(`c${k}`, {
          model: sizedModel({ seed, ...MODEL_SIZES.tiny }).bytes,
          mailbox: { capacity: 64, overflow: 'wait' },
        }),
      ),
      ...[61, 62].map((seed, k) =>
        runtime.spawnModel(`lm${k}`, {
          model: nextTokenModel({ seed }).bytes,
          mailbox: { capacity: 64, overflow: 'wait' },
        }),
      ),
    ]);
    const ensemblePlan = ensemble({
      name: 'pair',
      models: ['c0', 'c1'],
      input: 'input',
      output: 'output',
      fusion: { strategy: 'mean', kind: 'values' },
    });
    const decodePlan = decode({
      name: 'greedy2',
      models: [{ actor: 'lm0' }, { actor: 'lm1' }],
      fusion: { strategy: 'log-linear' },
      search: { type: 'greedy' },
      context: 8,
      endToken: 1,
      maxLength: 8,
    });
    const input = seededFloats(12, 8 * width);
    const start = performance.now();
    const end = start + durationMs;
    const sample = () => {
      const usage = process.memoryUsage();
      const arena = runtime.arena.stats();
      samples.push({
        seconds: (performance.now() - start) / 1000,
        plans,
        rssMiB: usage.rss / MiB,
        heapMiB: usage.heapUsed / MiB,
        arenaInUseKiB: arena.bytesInUse / 1024,
        arenaHighWaterKiB: arena.highWaterBytes / 1024,
        arenaReservedMiB: arena.bytesReserved / MiB,
      });
    };
    sample();
    const sampler = setInterval(sample, intervalMs);
    context.log(`memory: ${durationMs / 1000} s of plans, ${IN_FLIGHT} in flight`);
    const caller = async (index: number) => {
      for (let i = index; performance.now() < end; i += IN_FLIGHT) {
        try {
          if (i % 2 === 0) {
            await runtime.run(ensemblePlan, {
              input: { dtype: 'float32', dims: [8, width], data: input },
            });
          } else {
            await runtime.decode(decodePlan, [3, (i % 50) + 2]);
          }
          plans++;
        } catch {
          failures++;
        }
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, (_, i) => caller(i)));
    clearInterval(sampler);
    sample();
  } finally {
    await runtime.close();
  }

  const first = samples[0]!;
  const last = samples.at(-1)!;
  const half = samples[Math.floor(samples.length / 2)]!;
  const maxRss = Math.max(...samples.map((s) => s.rssMiB));
  const step = Math.max(1, Math.ceil(samples.length / 12));
  const shown = samples.filter((_, i) => i % step === 0 || i === samples.length - 1);
  return {
    tables: [
      {
        title: `${plans} plans in ${round(last.seconds)} s (${IN_FLIGHT} in flight, ${failures} failed)`,
        columns: [
          'RSS start MiB',
          'RSS end MiB',
          'RSS max MiB',
          'RSS growth over the second half MiB',
          'arena high-water KiB',
          'arena in use at the end KiB',
          'arena reserved MiB',
        ],
        rows: [
          [
            round(first.rssMiB),
            round(last.rssMiB),
            round(maxRss),
            round(last.rssMiB - half.rssMiB),
            round(last.arenaHighWaterKiB),
            round(last.arenaInUseKiB),
            round(last.arenaReservedMiB),
          ],
        ],
        note:
          'RSS is the main process only (worker threads are in it). The arena in use at the end ' +
          'must be 0: every plan releases what its rounds allocated.',
      },
      {
        title: 'Samples',
        columns: [
          's',
          'plans done',
          'RSS MiB',
          'JS heap MiB',
          'arena in use KiB',
          'arena high-water KiB',
        ],
        rows: shown.map((s) => [
          Math.round(s.seconds * 10) / 10,
          s.plans,
          round(s.rssMiB),
          round(s.heapMiB),
          round(s.arenaInUseKiB),
          round(s.arenaHighWaterKiB),
        ]),
      },
    ],
    charts: [
      {
        file: 'memory-rss.svg',
        title: 'Resident set over the run (MiB)',
        unit: 'MiB',
        bars: shown.map((s) => ({
          label: `${Math.round(s.seconds * 10) / 10} s, ${s.plans} plans`,
          value: round(s.rssMiB),
        })),
      },
    ],
    figures: {
      memory_rss_growth_second_half_mib: last.rssMiB - half.rssMiB,
      memory_arena_high_water_kib: last.arenaHighWaterKiB,
      memory_arena_in_use_end_kib: last.arenaInUseKiB,
      memory_plans_per_second: plans / last.seconds,
    },
    notes: [
      'Many plans in a row on one runtime (ensembles of two small models and 8-token greedy ' +
        'decodes, four in flight), with the resident set and the arena sampled at a fixed interval.',
    ],
  };
}
