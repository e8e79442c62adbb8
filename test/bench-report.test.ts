import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type BenchReport, judgeTargets, renderMarkdown, writeReport } from '../bench/report.js';
import type { SuiteResult } from '../bench/suite.js';
import { barChartSvg } from '../bench/svg-chart.js';
import { collectRatios, RATIO_KEYS } from '../bench/targets.js';

const suite: SuiteResult = {
  name: 'messaging',
  title: 'Messaging <test>',
  seconds: 1,
  tables: [{ title: 'Round trips', columns: ['mechanism', 'p50 µs'], rows: [['a | b', 12.345]] }],
  charts: [
    {
      file: 'rtt.svg',
      title: 'RTT',
      unit: 'µs',
      bars: [
        { label: 'long', value: 10 },
        { label: 'half', value: 5 },
        { label: '<a&b>', value: null },
      ],
    },
  ],
  figures: {
    ask_rtt_vs_postmessage: 0.5,
    fusion_vs_naive_js: 3,
    unrelated_figure: 7,
    decode_step_overhead_us: 396,
    decode_step_overhead_by_hand_us: 381,
  },
  notes: ['a note'],
};

function reportOf(suites: SuiteResult[]): BenchReport {
  const ratios = collectRatios(suites.map((s) => s.figures));
  return {
    generatedAt: '2020-01-01T00:00:00.000Z',
    mode: 'quick',
    command: 'npm run bench -- --quick',
    machine: {
      cpu: 'Test CPU',
      cores: 2,
      memoryGiB: 4,
      platform: 'Linux',
      node: 'v20.0.0',
      onnxruntimeNode: '1.30.0',
      loadAverageStart: 0.1,
      loadAverageEnd: 0.2,
    },
    seconds: 3,
    ratios,
    targets: judgeTargets(ratios, Object.assign({}, ...suites.map((s) => s.figures))),
    suites,
  };
}

const temporary: string[] = [];
afterEach(async () => {
  await Promise.all(temporary.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('the benchmark report writer', () => {
  it('judges each target of issue 5 as met, missed or not measured, and says when the machine was busy', () => {
    const markdown = renderMarkdown(reportOf([suite]));
    const row = (label: string) => markdown.split('\n').find((line) => line.includes(label)) ?? '';

    // 0.5 ≤ 0.6: met; 3 < 4: missed; nothing measured batching.
    expect(row('raw postMessage round trip')).toMatch(/\| 0\.5 \| ✅ met \| +\|$/);
    expect(row('naive JavaScript loop')).toMatch(/\| 3 \| ❌ missed \| +\|$/);
    expect(row('dynamic batching')).toMatch(/\| n\/a \| — not measured \| +\|$/);
    // A target that asks more of roundtable than the plain way gives shows that way's figure from
    // the same run; one whose floor no suite measured says so.
    expect(row('time per token beyond its slowest session.run')).toMatch(
      /\| 396 \| ❌ missed \| 381 \|$/,
    );
    expect(row('event-loop delay p99 while a K=4 ensemble')).toMatch(
      /\| n\/a \| — not measured \| n\/a \|$/,
    );
    expect(markdown).toContain('| a \\| b | 12.3 |');
    expect(markdown).toContain('![RTT](benchmarks/rtt.svg)');
    expect(markdown).not.toContain('machine was busy');
    const busy = reportOf([suite]);
    const busyMarkdown = renderMarkdown({
      ...busy,
      machine: { ...busy.machine, loadAverageStart: 3 },
    });
    expect(busyMarkdown).toContain('machine was busy');
  });

  it('judges the machine busy by what other processes took during the run, where it was read', () => {
    const base = reportOf([suite]);
    const markdown = (othersCpuShare: number, loadAverageStart: number) =>
      renderMarkdown({ ...base, machine: { ...base.machine, othersCpuShare, loadAverageStart } });
    // A load average that still counts the work before the run does not make it busy...
    const quiet = markdown(0.004, 3);
    expect(quiet).not.toContain('were busy');
    expect(quiet).not.toContain('machine was busy');
    expect(quiet).toContain('| 3 → 0.2 | 0.4 % |');
    // ...other processes busy during it do, whatever the load average at its start.
    const busy = markdown(0.231, 0.1);
    expect(busy).toContain('**Other processes were busy during this run** (they took 23.1 %');
  });

  it('draws bars proportional to their values, marks a missing one n/a, and escapes labels', () => {
    const svg = barChartSvg(suite.charts[0]!);
    const widths = [...svg.matchAll(/<rect x="300" y="\d+" width="([\d.]+)"/g)].map((m) =>
      Number(m[1]),
    );

    expect(widths).toHaveLength(2);
    expect(widths[0]).toBeGreaterThan(0);
    expect(widths[1]! / widths[0]!).toBeCloseTo(0.5, 5);
    expect(svg).toContain('&#60;a&#38;b&#62;');
    expect(svg).toContain('>n/a<');
    expect(svg).not.toContain('<a&b>');
  });

  it('writes the JSON with every ratio key, and the page with its charts beside it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bench-report-'));
    temporary.push(dir);
    await writeReport(reportOf([suite]), {
      json: join(dir, 'results', 'latest.json'),
      markdown: join(dir, 'docs', 'benchmarks.md'),
    });

    const json = JSON.parse(await readFile(join(dir, 'results', 'latest.json'), 'utf8'));
    expect(Object.keys(json.ratios).sort()).toEqual([...RATIO_KEYS].sort());
    expect(json.ratios.ask_rtt_vs_postmessage).toBe(0.5);
    expect(json.ratios.batching_throughput_vs_unbatched).toBeNull();
    expect(json.suites[0].tables[0].rows[0]).toEqual(['a | b', 12.345]);
    expect(await readdir(join(dir, 'docs', 'benchmarks'))).toEqual(['rtt.svg']);
    expect(await readFile(join(dir, 'docs', 'benchmarks.md'), 'utf8')).toContain('Test CPU');
  });
});
