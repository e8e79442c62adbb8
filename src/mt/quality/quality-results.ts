import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { QualityReport } from './quality-run.js';

/**
 * What `npm run quality` leaves behind: the report as JSON, with its ratios at the top as the
 * benchmark report has them (`bench/results/latest.json`), the translations left out.
 */
export async function writeQualityResults(path: string, report: QualityReport): Promise<void> {
  const { translations: _left, ...rest } = report;
  const results = {
    generatedAt: new Date().toISOString(),
    ratios: {
      cascade_compute_vs_best: report.cascade?.cascadeComputeVsBest ?? null,
    },
    ...rest,
  };
  await mkdir(dirname(path), { recursive: true });
  // JSON has no Infinity: the curve's "escalate all" threshold is the largest finite number.
  await writeFile(path, `${JSON.stringify(results, null, 2)}\n`);
}
