import { formatCascadeReport } from './cascade-table.js';
import type { QualityReport } from './quality-run.js';

/** The report as the text `npm run quality` prints (and docs/translation.md shows). */
export function formatQualityReport(report: QualityReport): string {
  const lines: string[] = [];
  const { sizes } = report;
  lines.push(
    `Synthetic pair seed ${report.pairSeed}: ${sizes.test} held-out sentences; dev ${sizes.dev} sentences ` +
      `(${sizes.devTokens} tokens) for engine order, fusion weights, calibration and the QE threshold; ` +
      `translation memory of ${sizes.train} training sentences.`,
  );
  lines.push('');
  lines.push(
    `Engines (own noise σ, plus σ ${report.sharedNoise} shared by every model; margin 1):`,
  );
  lines.push(
    `  ${'engine'.padEnd(10)} ${'σ'.padStart(5)} ${'dev acc.'.padStart(9)} ${'weight'.padStart(7)} ${'temp.'.padStart(7)}`,
  );
  for (const e of report.engines) {
    lines.push(
      `  ${e.name.padEnd(10)} ${e.noise.toFixed(2).padStart(5)} ${(e.devAccuracy * 100).toFixed(1).padStart(8)}% ` +
        `${e.weight.toFixed(3).padStart(7)} ${e.temperature.toFixed(4).padStart(7)}`,
    );
  }
  lines.push(
    `  QE model ${report.qe.name}: σ ${report.qe.noise}, temperature ${report.qe.temperature.toFixed(4)}, ` +
      `refinement stops at QE ≥ ${report.qe.threshold.toFixed(3)} ` +
      `(the ${(report.qe.quantile * 100).toFixed(0)}th percentile of the dev references' QE)`,
  );
  lines.push('');
  const width = Math.max(...report.rows.map((r) => r.system.length), 6);
  lines.push(
    `${'system'.padEnd(width)}  ${'chrF2'.padStart(6)}  ${'BLEU'.padStart(6)}  ${'model runs'.padStart(10)}`,
  );
  lines.push(`${'-'.repeat(width)}  ${'-'.repeat(6)}  ${'-'.repeat(6)}  ${'-'.repeat(10)}`);
  let previousTm = false;
  let previousEngine = true;
  for (const row of report.rows) {
    const engine = row.method.startsWith('engine:');
    if ((previousEngine && !engine) || row.tm !== previousTm) lines.push('');
    previousTm = row.tm;
    previousEngine = engine;
    lines.push(
      `${row.system.padEnd(width)}  ${row.chrf.toFixed(1).padStart(6)}  ${row.bleu.toFixed(1).padStart(6)}  ${row.modelRuns.toFixed(1).padStart(10)}`,
    );
  }
  lines.push('');
  const m = report.tmMatches;
  lines.push(
    `Memory matches on the held-out sentences: ${m.exact} exact, ${m.fuzzy} fuzzy (≥ 75, hint weight ${report.hintWeight}), ${m.none} none.`,
  );
  lines.push(
    `Refinement rounds after the draft, mean per segment: ${report.refineRounds.plain.toFixed(2)} ` +
      `(with the memory ${report.refineRounds.tm.toFixed(2)}); beam width ${report.beamWidth} everywhere.`,
  );
  lines.push(`Model runs: per sentence, one per engine per decoding step plus one per QE batch.`);
  if (report.cascade) {
    lines.push('');
    lines.push(...formatCascadeReport(report.cascade));
    lines.push('');
  }
  lines.push(`chrF: ${report.signatures.chrf}`);
  lines.push(`BLEU: ${report.signatures.bleu}`);
  lines.push(`Took ${report.seconds.toFixed(1)} s.`);
  return lines.join('\n');
}
