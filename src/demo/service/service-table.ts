/**
 * The demo's service comparison: the same HTTP service three ways under the same load, one table,
 * and a sentence that reads it.
 */
import { BUSY_SHARE } from './machine-cpu.js';
import { type LoadFigures, type LoadOptions, underLoad } from './under-load.js';

const VARIANTS = [
  { label: 'inference on the event loop', entry: 'on-event-loop.js' },
  { label: 'worker threads by hand', entry: 'by-hand.js' },
  { label: 'roundtable', entry: 'with-roundtable.js' },
] as const;

const LOAD: LoadOptions = { connections: 4, seconds: 5, warmupSeconds: 1, healthPerSecond: 100 };

export async function serviceTable(say: (line?: string) => void): Promise<void> {
  say(
    `autocannon keeps ${LOAD.connections} requests to /infer in flight for ${LOAD.seconds} s ` +
      `(after ${LOAD.warmupSeconds} s of warm-up) and asks /health ${LOAD.healthPerSecond} times a ` +
      'second meanwhile; each service runs alone, on 127.0.0.1.',
  );
  const rows: { label: string; figures: LoadFigures }[] = [];
  for (const variant of VARIANTS) {
    const figures = await underLoad(new URL(variant.entry, import.meta.url), LOAD);
    rows.push({ label: variant.label, figures });
  }
  const f = (n: number) => (n >= 100 ? n.toFixed(0) : n.toFixed(1));
  const header = [
    '',
    '/infer req/s',
    '/infer p50 ms',
    '/infer p99 ms',
    '/health p99 ms',
    'loop delay p99 ms',
  ];
  const body = rows.map(({ label, figures: x }) => [
    label,
    f(x.inferPerSecond),
    f(x.inferP50Ms),
    f(x.inferP99Ms),
    f(x.healthP99Ms),
    f(x.loopDelay.p99Ms),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  say(line(header));
  for (const row of body) say(line(row));
  const errors = rows.reduce((n, r) => n + r.figures.errors, 0);
  if (errors > 0) say(`(${errors} requests failed during the runs)`);
  say(readTable(rows.map((r) => r.figures) as [LoadFigures, LoadFigures, LoadFigures]));
}

/** One plain paragraph on what the three rows say, from the numbers measured. */
export function readTable([loop, byHand, ours]: [LoadFigures, LoadFigures, LoadFigures]): string {
  const ms = (n: number) => `${n.toFixed(1)} ms`;
  const times = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
  // Running below the service thread's priority lets it answer first, but on a busy machine the
  // wake-ups of a hop can cost more than that wins: say which happened, not what should have.
  const health =
    ours.healthP99Ms <= byHand.healthP99Ms
      ? `roundtable's run below it (nice +5), so the service answers first (/health p99 ${ms(ours.healthP99Ms)})`
      : `roundtable's run below it (nice +5), yet in this run its /health p99 was higher ` +
        `(${ms(ours.healthP99Ms)}): the priority did not make up for the wake-ups of its hops`;
  const others = Math.max(...[loop, byHand, ours].map((x) => x.othersCpuShare ?? 0));
  const busy =
    others > BUSY_SHARE
      ? ` Other processes took up to ${(100 * others).toFixed(0)} % of this machine's CPU during ` +
        "these runs: roundtable's workers give way to busy processes of their session or cgroup " +
        '(nice +5), hand-written workers at nice 0 do not, so the roundtable row fell further ' +
        'behind than on a quiet machine (docs/guide.md: workerNice).'
      : '';
  return (
    '\nOn the event loop, every /infer blocks the service while both models run: /health waits ' +
    `behind them (p99 ${ms(loop.healthP99Ms)}). Worker threads free the loop, and both cores ` +
    `serve /infer: ${times(byHand.inferPerSecond, loop.inferPerSecond)} the requests per second ` +
    `by hand, ${times(ours.inferPerSecond, loop.inferPerSecond)} with roundtable. Workers ` +
    "written by hand run at the service thread's priority and take its core while they compute " +
    `(/health p99 ${ms(byHand.healthP99Ms)}); ${health}. Roundtable serves ` +
    `${times(ours.inferPerSecond, byHand.inferPerSecond)} the hand-written workers' requests per ` +
    'second, and adds what they lack: supervision, deadlines, bounded mailboxes and a trace.' +
    busy
  );
}
