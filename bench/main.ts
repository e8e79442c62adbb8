/**
 * The benchmark suite: every question in one run on one machine, roundtable beside the
 * plain ways of doing the same job.
 *
 *   npx tsx bench/main.ts                    every suite, then bench/results/latest.json and
 *                                            docs/benchmarks.md (+ docs/benchmarks/*.svg)
 *   npx tsx bench/main.ts --quick            the same with shorter time budgets, fewer samples
 *   npx tsx bench/main.ts --only a,b         some suites; writes bench/results/partial.json only
 *   npx tsx bench/main.ts --repeats 5        each suite five times (default three): every figure
 *                                            is the median over the runs, with its range
 */
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Command, Option } from 'commander';
import { cpuTicks, othersShare } from '../src/demo/service/machine-cpu.js';
import { describeMachine, loadAverage } from './machine.js';
import { mergeRepeats } from './repeats.js';
import { type BenchReport, isBusy, judgeTargets, writeReport } from './report.js';
import type { Suite, SuiteContext, SuiteName, SuiteResult } from './suite.js';
import { collectRatios, collectSpreads } from './targets.js';

/**
 * Each suite is imported when it runs, so that one whose imports fail (a module of the runtime
 * being rewritten, say) is reported as failed and the others still run.
 */
const SUITES: Readonly<Record<SuiteName, () => Promise<Suite>>> = {
  ask: async () => (await import('./ask.js')).ask,
  messaging: async () => (await import('./messaging.js')).messaging,
  exchange: async () => (await import('./exchange.js')).exchange,
  fusion: async () => (await import('./fusion.js')).fusion,
  ensemble: async () => (await import('./ensemble.js')).ensemble,
  overhead: async () => (await import('./overhead.js')).overhead,
  decode: async () => (await import('./decode.js')).decode,
  'kv-decode': async () => (await import('./kv-decode.js')).kvDecode,
  batching: async () => (await import('./batching.js')).batching,
  service: async () => (await import('./service.js')).service,
  memory: async () => (await import('./memory.js')).memory,
  speculative: async () => (await import('./speculative.js')).speculativeSuite,
  'cold-start': async () => (await import('./cold-start.js')).coldStart,
};
const NAMES = Object.keys(SUITES) as SuiteName[];

const root = new URL('../', import.meta.url);
const program = new Command()
  .name('bench')
  .description('roundtable benchmarks beside the plain ways of doing the same job')
  .option('--quick', 'shorter time budgets and fewer samples', false)
  .addOption(
    new Option('--only <names>', `comma-separated suites to run: ${NAMES.join(', ')}`).argParser(
      (value) => value.split(',').map((name) => name.trim()),
    ),
  )
  .option('--no-docs', 'do not rewrite docs/benchmarks.md')
  .addOption(
    new Option('--repeats <n>', 'runs of each suite; figures are medians over them')
      .default(3)
      .argParser((value) => {
        const n = Number(value);
        if (!Number.isInteger(n) || n < 1)
          throw new Error(`--repeats must be a whole number ≥ 1, not "${value}"`);
        return n;
      }),
  )
  .parse();

const options = program.opts<{ quick: boolean; only?: string[]; docs: boolean; repeats: number }>();
const unknown = options.only?.filter((name) => !(NAMES as string[]).includes(name)) ?? [];
if (unknown.length > 0) {
  console.error(`unknown suite ${unknown.join(', ')}; the suites are ${NAMES.join(', ')}`);
  process.exit(2);
}
const selected = options.only ? NAMES.filter((name) => options.only!.includes(name)) : NAMES;
const partial = options.only !== undefined;
const writeDocs = !partial && options.docs;

const machine = describeMachine();
console.log(
  `roundtable benchmarks (${options.quick ? 'quick' : 'full'} run): ${machine.cpu}, ` +
    `${machine.cores} cores, Node ${machine.node}, onnxruntime-node ${machine.onnxruntimeNode}, ` +
    `load average ${machine.loadAverageStart}`,
);

if (isBusy(machine)) {
  console.warn(
    `warning: load average ${machine.loadAverageStart} on ${machine.cores} cores at the start: if ` +
      'other work is still running, figures measured now say little (the report reads what other ' +
      'processes took of the cores during the run)',
  );
}

const started = performance.now();
const ticksAtStart = cpuTicks([], true);
const context: SuiteContext = {
  quick: options.quick,
  log: (line) => console.log(`  … ${line}`),
};
const results: SuiteResult[] = [];
for (const name of selected) {
  const t0 = performance.now();
  let title: string = name;
  try {
    const suite = await SUITES[name]();
    title = suite.title;
    console.log(`\n# ${title}`);
    const runs = [];
    for (let r = 0; r < options.repeats; r++) {
      if (options.repeats > 1) context.log(`${name}: run ${r + 1} of ${options.repeats}`);
      runs.push(await suite.run(context));
    }
    const outcome = mergeRepeats(runs);
    results.push({ name, title, seconds: (performance.now() - t0) / 1000, ...outcome });
    for (const t of outcome.tables) {
      console.log(t.title);
      console.table(
        t.rows.map((row) => Object.fromEntries(t.columns.map((c, i) => [c, row[i] ?? null]))),
      );
    }
  } catch (error) {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    console.error(`suite ${name} failed: ${message}`);
    results.push({
      name,
      title,
      seconds: (performance.now() - t0) / 1000,
      tables: [],
      charts: [],
      figures: {},
      notes: [],
      error: error instanceof Error ? error.message : String(error),
    });
  }
}

const args = process.argv.slice(2).join(' ');
const ratios = collectRatios(results.map((r) => r.figures));
const report: BenchReport = {
  generatedAt: new Date().toISOString(),
  mode: options.quick ? 'quick' : 'full',
  command: `npm run bench${args ? ` -- ${args}` : ''}`,
  machine: { ...machine, loadAverageEnd: loadAverage(), ...othersDuringTheRun() },
  seconds: (performance.now() - started) / 1000,
  ratios,
  ratioSpreads: collectSpreads(results.map((r) => r.spreads ?? {})),
  targets: judgeTargets(ratios, Object.assign({}, ...results.map((r) => r.figures))),
  suites: results,
};
const jsonName = `bench/results/${partial ? 'partial' : 'latest'}.json`;
await writeReport(report, {
  json: fileURLToPath(new URL(jsonName, root)),
  ...(writeDocs ? { markdown: fileURLToPath(new URL('docs/benchmarks.md', root)) } : {}),
});

console.log('\nratios and their targets');
console.table(
  report.targets.map((t) => ({
    ratio: t.key,
    target: t.target,
    value: t.value === null ? null : Number(t.value.toPrecision(3)),
    verdict: t.verdict,
  })),
);
for (const [key, value] of Object.entries(ratios)) {
  if (!report.targets.some((t) => t.key === key)) console.log(`${key}: ${value}`);
}
console.log(
  `\nwrote ${jsonName}${writeDocs ? ' and docs/benchmarks.md' : ''} in ${Math.round(report.seconds)} s`,
);
const failed = results.filter((r) => r.error);
if (failed.length > 0) console.error(`failed: ${failed.map((r) => r.name).join(', ')}`);
// A failed suite may leave a worker thread holding the event loop open: exit explicitly.
process.exit(failed.length > 0 ? 1 : 0);

/** What other processes took of the machine while the suites ran (their own children excluded). */
function othersDuringTheRun(): { othersCpuShare?: number } {
  const now = cpuTicks([], true);
  if (!ticksAtStart || !now) return {};
  return { othersCpuShare: Math.round(othersShare(ticksAtStart, now) * 1000) / 1000 };
}
