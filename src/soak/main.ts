/**
 * `npm run soak [-- --quick] [--seed N] [--seconds S] [--callers C]`: runs the soak (see soak.ts)
 * and ends with one line on stdout:
 *
 *   soak: rounds R, settled R, lost 0, duplicated 0, restarts X, arena leaked 0 bytes, rss growth G%
 *
 * Notes and the breakdown of answers and faults go to stderr. Exits with 1 when a run was lost
 * or doubled, an error was untyped, or the arena leaked.
 */
import { Command } from 'commander';
import { runSoak, soakLine, soakPassed } from './soak.js';

const program = new Command('soak')
  .description('many plan runs from concurrent callers under seeded random faults')
  .option('--quick', 'a short soak (about a minute)')
  .option('--seconds <s>', 'how long callers keep sending', Number)
  .option('--seed <n>', 'seed of the fault schedule and the callers', Number, 1)
  .option('--callers <n>', 'concurrent callers', Number, 6)
  .parse();
const options = program.opts<{
  quick?: boolean;
  seconds?: number;
  seed: number;
  callers: number;
}>();
const seconds = options.seconds ?? (options.quick ? 60 : 600);

const report = await runSoak({
  durationMs: seconds * 1000,
  seed: options.seed,
  callers: options.callers,
  log: (note) => process.stderr.write(`${note}\n`),
});
process.stderr.write(
  `answers: ${report.ok} ok, errors ${JSON.stringify(report.errors)}, untyped ${report.untyped}\n` +
    `faults: ${JSON.stringify(report.faults)}; reclaimed ${report.reclaimed} bytes from dead workers\n`,
);
process.stdout.write(`${soakLine(report)}\n`);
process.exitCode = soakPassed(report) ? 0 : 1;
