/**
 * The report a benchmark run leaves behind: `bench/results/latest.json` (every raw table, the
 * ratios, the machine) and `docs/benchmarks.md` with its SVG charts under `docs/benchmarks/`.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { BUSY_SHARE } from '../src/demo/service/machine-cpu.js';
import type { Machine } from './machine.js';
import type { Spread } from './spread.js';
import type { Cell, SuiteResult, Table } from './suite.js';
import { barChartSvg, formatValue } from './svg-chart.js';
import { judge, type RatioKey, type Ratios, TARGETS, UNTARGETED, type Verdict } from './targets.js';

export interface TargetOutcome {
  readonly key: string;
  readonly label: string;
  readonly target: string;
  readonly value: number | null;
  readonly verdict: Verdict;
  /** The same measure of the hand-written alternative in the same run (Target.floor). */
  readonly floor?: number | null;
}

export interface BenchReport {
  readonly generatedAt: string;
  readonly mode: 'full' | 'quick';
  /** The command line that produced it, from the repository root. */
  readonly command: string;
  readonly machine: Machine;
  readonly seconds: number;
  readonly ratios: Ratios;
  /** For the ratios measured in repeats: median, range and sample count. */
  readonly ratioSpreads?: Partial<Record<RatioKey, Spread>>;
  readonly targets: readonly TargetOutcome[];
  readonly suites: readonly SuiteResult[];
}

/** @param figures every suite's figures, where the targets' hand-written floors are found. */
export function judgeTargets(
  ratios: Ratios,
  figures: Readonly<Record<string, number | null>> = {},
): TargetOutcome[] {
  return TARGETS.map((target) => ({
    key: target.key,
    label: target.label,
    target: target.text,
    value: ratios[target.key],
    verdict: judge(target, ratios[target.key]),
    ...(target.floor ? { floor: figures[target.floor] ?? null } : {}),
  }));
}

/** Where a report goes; the runner passes the repository's paths, tests a temporary folder. */
export interface ReportPaths {
  readonly json: string;
  /** The markdown page; its charts go to a folder of the same name beside it. Omit to skip. */
  readonly markdown?: string;
}

export async function writeReport(report: BenchReport, paths: ReportPaths): Promise<void> {
  await mkdir(dirname(paths.json), { recursive: true });
  await writeFile(paths.json, `${JSON.stringify(report, null, 2)}\n`);
  if (!paths.markdown) return;
  const chartsDir = paths.markdown.replace(/\.md$/, '');
  await mkdir(chartsDir, { recursive: true });
  for (const suite of report.suites) {
    for (const chart of suite.charts) {
      await writeFile(join(chartsDir, chart.file), barChartSvg(chart));
    }
  }
  const chartsLink = chartsDir.split(/[\\/]/).at(-1)!;
  await writeFile(paths.markdown, renderMarkdown(report, chartsLink));
}

const VERDICT_MARK: Record<Verdict, string> = {
  met: '✅ met',
  missed: '❌ missed',
  'not measured': '— not measured',
};

/** The markdown page; charts are linked as `<chartsLink>/<file>`. */
export function renderMarkdown(report: BenchReport, chartsLink = 'benchmarks'): string {
  const m = report.machine;
  const out: string[] = [
    '# Benchmarks',
    '',
    'Each suite measures roundtable beside the plain ways of doing the same job, in one run on one',
    'machine. Figures from another machine, or from a busy one, are not comparable: see below what',
    'other processes took of the cores during the run.',
    '',
    `Generated ${report.generatedAt} by \`${report.command}\` (${report.mode} run, ${Math.round(report.seconds)} s).`,
    '',
    ...(isBusy(m) ? [busyWarning(m), ''] : []),
    '## Machine',
    '',
    table(
      [
        'CPU',
        'cores',
        'memory',
        'platform',
        'Node',
        'onnxruntime-node',
        'load average (start → end)',
        "other processes' CPU during the run",
      ],
      [
        [
          m.cpu,
          m.cores,
          `${m.memoryGiB} GiB`,
          m.platform,
          m.node,
          m.onnxruntimeNode,
          `${m.loadAverageStart} → ${m.loadAverageEnd ?? '?'}`,
          m.othersCpuShare === undefined ? '?' : `${round1(m.othersCpuShare * 100)} %`,
        ],
      ],
    ),
    '',
    '## Targets',
    '',
    'Where a ratio was measured in repeats, "measured" is the median over them, with the range',
    'and the number of samples behind it. "Hand-written, same run": the same measure taken of',
    'worker threads written by hand in the same run, where a target asks more of roundtable than',
    'of the plain way; it is the floor this machine allows. A suite that ran more than once (three',
    'times in a full run) shows the tables of its last run below; its ratios here are the median',
    "of its runs' medians, with the range over all of them.",
    '',
    table(
      ['measure', 'target', 'measured', 'verdict', 'hand-written, same run'],
      report.targets.map((t) => [
        t.label,
        t.target,
        showValue(t.value) + showSpread(report.ratioSpreads?.[t.key as RatioKey]),
        VERDICT_MARK[t.verdict],
        t.floor === undefined ? '' : showValue(t.floor),
      ]),
    ),
    '',
  ];
  const judged = new Set(report.targets.map((t) => t.key));
  const others = Object.entries(report.ratios).filter(([key]) => !judged.has(key));
  if (others.length > 0) {
    out.push(
      'Measured without a target:',
      '',
      table(
        ['ratio', 'measure', 'measured'],
        others.map(([key, value]) => [
          `\`${key}\``,
          UNTARGETED[key as RatioKey] ?? '',
          showValue(value) + showSpread(report.ratioSpreads?.[key as RatioKey]),
        ]),
      ),
      '',
    );
  }
  for (const suite of report.suites) {
    out.push(`## ${suite.title}`, '');
    if (suite.error) out.push(`**This suite failed:** ${suite.error}`, '');
    for (const note of suite.notes) out.push(note, '');
    for (const t of suite.tables) {
      out.push(`**${t.title}**`, '', table(t.columns, t.rows), '');
      if (t.note) out.push(t.note, '');
    }
    for (const chart of suite.charts) {
      out.push(`![${chart.title}](${chartsLink}/${chart.file})`, '');
    }
  }
  out.push(
    '## How to reproduce',
    '',
    'From a fresh clone, on an otherwise idle machine:',
    '',
    '```sh',
    'npm ci',
    'npm run bench             # every suite (its duration is in the line under the title)',
    'npm run bench -- --quick  # shorter time budgets, fewer samples',
    'npm run bench -- --only messaging,fusion  # some suites; writes bench/results/partial.json',
    '```',
    '',
    'A full or quick run writes `bench/results/latest.json` (ratios, raw tables, machine) and this',
    'page with its charts. The models are generated from seeds at run time; nothing is downloaded.',
    '',
  );
  return out.join('\n');
}

/**
 * Whether other work skewed the run: what other processes took of the cores while it ran, where
 * known. Otherwise the load average at its start, which lags by a minute: a run started right
 * after other work reads busy.
 */
export function isBusy(machine: Machine): boolean {
  if (machine.othersCpuShare !== undefined) return machine.othersCpuShare > BUSY_SHARE;
  return machine.loadAverageStart > machine.cores / 2;
}

function busyWarning(m: Machine): string {
  const what =
    m.othersCpuShare === undefined
      ? `**The machine was busy when this run started** (load average ${m.loadAverageStart} on ${m.cores} cores)`
      : `**Other processes were busy during this run** (they took ${round1(m.othersCpuShare * 100)} % of the time of the machine's ${m.cores} cores)`;
  return (
    `> ${what}: other processes competed for the cores, so these figures, and the ` +
    'verdicts below, say little. Run again on an idle machine.'
  );
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

function showValue(value: number | null): string {
  return value === null ? 'n/a' : formatValue(value);
}

function showSpread(spread: Spread | undefined): string {
  if (!spread) return '';
  const samples = spread.samples > 0 ? `, n = ${spread.samples}` : '';
  return ` (${formatValue(spread.min)}–${formatValue(spread.max)} over ${spread.repeats} repeats${samples})`;
}

function table(columns: readonly string[], rows: Table['rows']): string {
  const cell = (value: Cell) =>
    (value === null ? 'n/a' : typeof value === 'number' ? formatValue(value) : value).replace(
      /\|/g,
      '\\|',
    );
  return [
    `| ${columns.map((c) => cell(c)).join(' | ')} |`,
    `| ${columns.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
  ].join('\n');
}
