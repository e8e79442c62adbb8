/**
 * Translation-memory lookup latency at a realistic size.
 *
 * Builds a TM of SIZE synthetic en → fr segments (Zipf-distributed vocabulary, seeded) by
 * importing a generated TMX file into an SQLite file in a temp dir, then measures one lookup at a
 * time: exact (a stored sentence), fuzzy (a stored sentence with 1–3 word edits), no match
 * (random words), and the min-50 lookup the analysis runs; then the fuzzy ones again without the
 * two-term count filter, to show what it saves. Also reports how many rows each kind
 * of lookup reads (candidates), which is what keeps latency flat as the TM grows.
 *
 * Run: npx tsx bench/tm.bench.ts [size]       (default 200000; 1000000 takes a few minutes)
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bench } from 'tinybench';
import { type LookupOptions, TranslationMemory } from '../src/mt/tm/index.js';
import { seededRandom } from '../src/util/mulberry32.js';
import { syntheticCorpus, writeSyntheticTmx } from '../test/fixtures/tmx/synthetic-corpus.js';

const SIZE = Number(process.argv[2] ?? 200_000);
const QUERIES = 500;
const dir = mkdtempSync(join(tmpdir(), 'tm-bench-'));
const corpus = syntheticCorpus(2024);

try {
  const tmx = join(dir, 'bench.tmx');
  let started = performance.now();
  await writeSyntheticTmx(tmx, corpus, SIZE);
  const tmxBytes = statSync(tmx).size;
  const writeSeconds = (performance.now() - started) / 1000;

  const memory = TranslationMemory.open(join(dir, 'bench.db'));
  started = performance.now();
  const summary = await memory.importTmx(tmx);
  const importSeconds = (performance.now() - started) / 1000;
  rmSync(tmx);
  const stats = memory.stats();

  const random = seededRandom(7);
  const pick = () => corpus.sentence(Math.floor(random() * SIZE));
  const exact = Array.from({ length: QUERIES }, pick);
  const fuzzy = Array.from({ length: QUERIES }, () =>
    corpus.perturb(pick(), 1 + Math.floor(random() * 3), random),
  );
  const none = Array.from({ length: QUERIES }, () => {
    const words = Array.from({ length: 6 + Math.floor(random() * 10) }, () =>
      Math.floor(random() * 1e9).toString(36),
    );
    return `${words.join(' ')}.`;
  });

  const kinds: [string, readonly string[], LookupOptions][] = [
    ['exact', exact, { from: 'en', to: 'fr' }],
    ['fuzzy, 1–3 edits', fuzzy, { from: 'en', to: 'fr' }],
    ['no match', none, { from: 'en', to: 'fr' }],
    ['fuzzy at min 50 (analysis)', fuzzy, { from: 'en', to: 'fr', min: 50, limit: 1 }],
    // The same lookups without the two-term count filter: what it saves on common-word queries.
    ['fuzzy, any-term filter only', fuzzy, { from: 'en', to: 'fr', countFilterFrom: Infinity }],
    [
      'fuzzy at min 50, any-term only',
      fuzzy,
      { from: 'en', to: 'fr', min: 50, limit: 1, countFilterFrom: Infinity },
    ],
  ];

  const bench = new Bench({ name: 'tm lookup', time: 2000, warmupTime: 300 });
  for (const [name, queries, options] of kinds) {
    let next = 0;
    bench.add(name, () => {
      memory.lookup(queries[next++ % queries.length]!, options);
    });
  }
  await bench.run();

  const rows = bench.tasks.map((task, index) => {
    const [, queries, options] = kinds[index]!;
    let candidates = 0;
    let found = 0;
    let truncated = 0;
    // CPU time per lookup as well: on a shared machine wall time also counts other processes.
    const cpu: number[] = [];
    for (const query of queries) {
      const before = process.cpuUsage();
      const trace = memory.explain(query, options);
      const used = process.cpuUsage(before);
      cpu.push((used.user + used.system) / 1000);
      candidates += trace.candidates;
      if (trace.matches.length > 0) found++;
      if (trace.truncated) truncated++;
    }
    cpu.sort((a, b) => a - b);
    const cpuAt = (q: number) =>
      +cpu[Math.min(cpu.length - 1, Math.floor(q * cpu.length))]!.toFixed(2);
    const r = task.result;
    if (r.state !== 'completed') return { lookup: task.name, state: r.state };
    return {
      lookup: task.name,
      'ms (mean)': +r.latency.mean.toFixed(3),
      'ms (p50)': +r.latency.p50.toFixed(3),
      'ms (p99)': +r.latency.p99.toFixed(3),
      'lookups/s': Math.round(1000 / r.latency.mean),
      'cpu ms (mean)': +(cpu.reduce((a, b) => a + b, 0) / cpu.length).toFixed(2),
      'cpu ms (p50)': cpuAt(0.5),
      'cpu ms (p99)': cpuAt(0.99),
      'rows read (mean)': Math.round(candidates / queries.length),
      'with a match': `${((100 * found) / queries.length).toFixed(0)}%`,
      truncated,
      samples: r.latency.samplesCount,
    };
  });

  const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
  console.log(`translation memory of ${stats.segments} segments, Node ${process.version}`);
  console.log(
    `  TMX ${mib(tmxBytes)} written in ${writeSeconds.toFixed(1)} s; imported in ` +
      `${importSeconds.toFixed(1)} s (${Math.round(summary.imported / importSeconds)} segments/s); ` +
      `database ${mib(stats.bytes)}, ${stats.terms} index terms`,
  );
  console.table(rows);
  memory.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
