import type { Trace } from '../plan-runner/trace.js';

/** Renders a trace as a plain-text table: one line per step of each round. */
export function traceTable(trace: Trace): string {
  const header = ['round', 'actor', 'status', 'ms', 'weight', 'agreement', 'divergence'];
  const rows: string[][] = [];
  for (const round of trace.rounds) {
    for (const step of round.steps) {
      rows.push([
        round.name,
        step.actor,
        step.status,
        step.ms.toFixed(2),
        step.weight === undefined ? '' : step.weight.toFixed(3),
        step.agreement === undefined ? '' : `${(step.agreement * 100).toFixed(0)}%`,
        step.divergence === undefined ? '' : step.divergence.toFixed(4),
      ]);
    }
    if (round.fusion)
      rows.push([
        round.name,
        `(fusion: ${round.fusion.strategy})`,
        'ok',
        round.fusion.ms.toFixed(2),
        '',
        '',
        '',
      ]);
    if (round.stopped)
      rows.push([
        round.name,
        '(stop)',
        `${round.stopped.value.toFixed(3)} ≥ ${round.stopped.threshold}`,
        '',
        '',
        '',
        '',
      ]);
  }
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, c) => (c >= 3 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
      .join('  ');
  return [
    line(header),
    widths.map((w) => '─'.repeat(w)).join('  '),
    ...rows.map(line),
    `total ${trace.ms.toFixed(2)} ms`,
  ].join('\n');
}
