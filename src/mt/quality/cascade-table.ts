import type { CascadePoint, CascadeQualityReport, CascadeSignalReport } from './cascade-quality.js';

/** The cascade's part of `npm run quality`'s text: each engine alone, the curve, the ratio. */
export function formatCascadeReport(report: CascadeQualityReport, points = 12): string[] {
  const [cheap, costly] = report.engines;
  const lines: string[] = [];
  lines.push(
    `Cascade: ${report.engines.map((e) => e.name).join(' → ')}; a scorer decides per segment whether ${cheap!.name}'s translation stands.`,
  );
  lines.push(
    `  ${'engine'.padEnd(14)} ${'chrF2'.padStart(6)} ${'runs/seg'.padStart(9)} ${'ms/run'.padStart(7)} ${'compute ms/seg'.padStart(15)}`,
  );
  for (const e of report.engines)
    lines.push(
      `  ${e.name.padEnd(14)} ${e.chrf.toFixed(1).padStart(6)} ${e.runs.toFixed(1).padStart(9)} ${e.msPerRun.toFixed(3).padStart(7)} ${e.computeMs.toFixed(2).padStart(15)}`,
    );
  lines.push(
    `  QE of ${cheap!.name}'s translation: ${report.qeMsPerBatch.toFixed(2)} ms per batch (with its runner-up, for qe-margin: ${report.qeMarginMsPerBatch.toFixed(2)} ms); ${costly!.name} costs ${(costly!.msPerRun / cheap!.msPerRun).toFixed(1)}× ${cheap!.name} per run.`,
  );
  lines.push('');
  lines.push(
    `  Signals of ${cheap!.name}'s translation (dev: threshold learnt for chrF ≥ ${report.learnt.target.toFixed(1)}; held-out: the cheapest point within 0.5 chrF of ${report.best.name}, and the dev threshold replayed):`,
  );
  lines.push(
    `  ${'signal'.padEnd(18)} ${'QE paid'.padStart(7)} ${'dev ms/seg'.padStart(10)} ${'within ½: esc.'.padStart(14)} ${'chrF2'.padStart(6)} ${'ratio'.padStart(6)} ${'dev thr.: esc.'.padStart(14)} ${'chrF2'.padStart(6)} ${'ratio'.padStart(6)}`,
  );
  for (const s of report.signals) lines.push(signalRow(s, report));
  lines.push('');
  lines.push(`  Chosen on dev: ${report.chosen}. Its curve on the held-out sentences:`);
  lines.push(
    `  ${'threshold'.padStart(12)} ${'escalated'.padStart(9)} ${'chrF2'.padStart(6)} ${'compute ms/seg'.padStart(15)} ${`vs ${report.best.name}`.padStart(18)}`,
  );
  for (const p of sample(report.curve, report.withinHalf, points)) {
    const mark = p === report.withinHalf ? '  ← cheapest within 0.5 chrF' : '';
    lines.push(
      `  ${thresholdText(p.threshold).padStart(12)} ${`${(p.escalated * 100).toFixed(0)}%`.padStart(9)} ${p.chrf.toFixed(1).padStart(6)} ${p.computeMs.toFixed(2).padStart(15)} ${(p.computeMs / report.best.computeMs).toFixed(2).padStart(18)}${mark}`,
    );
  }
  lines.push('');
  lines.push(
    report.cascadeComputeVsBest === null
      ? `cascade_compute_vs_best: none (no threshold stays within 0.5 chrF of ${report.best.name})`
      : `cascade_compute_vs_best: ${report.cascadeComputeVsBest.toFixed(3)} (target ≤ 0.5): compute per segment of the cheapest threshold within 0.5 chrF of ${report.best.name}, over ${report.best.name}'s` +
          ` (with each segment's own measured run times: ${report.measuredComputeVsBest?.toFixed(3) ?? 'none'}).`,
  );
  const l = report.learnt;
  lines.push(
    `Learnt on dev for chrF ≥ ${l.target.toFixed(1)} (the best engine's dev chrF − 0.5): ${report.chosen} threshold ${l.threshold.toFixed(3)}; ` +
      `run for real on the held-out sentences: chrF ${l.test.chrf.toFixed(1)}, ${l.test.computeMs.toFixed(2)} ms/segment ` +
      `(${(l.test.computeMs / report.best.computeMs).toFixed(2)} of ${report.best.name}; measured ${l.test.measuredMs.toFixed(2)} ms), ` +
      `${(l.test.escalated * 100).toFixed(0)}% escalated, ${l.test.modelRuns.toFixed(1)} model runs.`,
  );
  lines.push(
    "Compute: model runs × each engine's median time per run in session.run, measured in this run (plus the QE batch's median where the scorer reads QE); the curves replay each segment decoded once by both engines.",
  );
  return lines;
}

function thresholdText(t: number): string {
  return Math.abs(t) > 1e300 ? (t > 0 ? 'escalate all' : 'stop all') : t.toFixed(3);
}

/** About `count` points of the curve, evenly spread, always with its ends and the marked point. */
function sample(
  curve: readonly CascadePoint[],
  marked: CascadePoint | null,
  count: number,
): CascadePoint[] {
  if (curve.length <= count) return [...curve];
  const picked = new Set<CascadePoint>();
  for (let i = 0; i < count; i++)
    picked.add(curve[Math.round((i * (curve.length - 1)) / (count - 1))]!);
  if (marked) picked.add(marked);
  return curve.filter((p) => picked.has(p));
}

function signalRow(s: CascadeSignalReport, report: CascadeQualityReport): string {
  const best = report.best.computeMs;
  const w = s.withinHalf;
  const l = s.learnt;
  const pct = (x: number) => `${(x * 100).toFixed(0)}%`;
  return (
    `  ${s.name.padEnd(18)} ${(['no', 'yes', 'yes×2'] as const)[s.qeCandidates].padStart(7)} ${(l ? l.devComputeMs.toFixed(2) : '-').padStart(10)}` +
    ` ${(w ? pct(w.escalated) : '-').padStart(14)} ${(w ? w.chrf.toFixed(1) : '-').padStart(6)} ${(w ? (w.computeMs / best).toFixed(2) : '-').padStart(6)}` +
    ` ${(l ? pct(l.test.escalated) : '-').padStart(14)} ${(l ? l.test.chrf.toFixed(1) : '-').padStart(6)} ${(l ? (l.test.computeMs / best).toFixed(2) : '-').padStart(6)}`
  );
}
