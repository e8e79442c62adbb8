import { describe, expect, it } from 'vitest';
import { readTable } from '../src/demo/service/service-table.js';
import type { LoadFigures } from '../src/demo/service/under-load.js';

const figures = (
  inferPerSecond: number,
  healthP99Ms: number,
  othersCpuShare: number | undefined = 0.01,
): LoadFigures => ({
  inferPerSecond,
  inferP50Ms: 50,
  inferP99Ms: 100,
  healthP99Ms,
  loopDelay: { p99Ms: 5, maxMs: 10 },
  errors: 0,
  othersCpuShare,
});

describe("the demo's reading of the service table", () => {
  it('says the service answered first only when its /health p99 was no worse than by hand', () => {
    const text = readTable([figures(40, 120), figures(60, 13), figures(55, 9)]);
    expect(text).toContain('so the service answers first (/health p99 9.0 ms)');
    expect(text).toContain('1.50× the requests per second by hand, 1.38× with roundtable');
    expect(text).toContain("Roundtable serves 0.92× the hand-written workers' requests");
  });

  it("says so when roundtable's /health p99 came out higher than the hand-written workers'", () => {
    const text = readTable([figures(40, 120), figures(60, 13), figures(25, 23)]);
    expect(text).not.toContain('answers first');
    expect(text).toContain('yet in this run its /health p99 was higher (23.0 ms)');
  });

  it('says when other processes took a share of the machine during the runs, and only then', () => {
    const busy = readTable([figures(40, 120), figures(60, 13, 0.42), figures(25, 23)]);
    expect(busy).toContain("Other processes took up to 42 % of this machine's CPU");
    expect(busy).toContain('docs/guide.md: workerNice');
    const quiet = readTable([figures(40, 120), figures(60, 13), figures(55, 9, undefined)]);
    expect(quiet).not.toContain('Other processes');
  });
});
