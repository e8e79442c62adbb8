/**
 * `npm run quality`: the honest measure of collaboration on the synthetic language pair (see
 * docs/translation.md). Prints the table on stdout and progress on stderr.
 *
 *   node dist/mt/quality/main.js [--test N] [--train N] [--dev N] [--json FILE]
 *
 * The results (every row, the cascade's curve and the `cascade_compute_vs_best` ratio) go to
 * `bench/results/quality.json`, beside the benchmark report, or to --json.
 */
import { parseArgs } from 'node:util';
import { createProgress } from '../../util/progress.js';
import { writeQualityResults } from './quality-results.js';
import { runQuality } from './quality-run.js';
import { formatQualityReport } from './quality-table.js';

const { values } = parseArgs({
  options: {
    test: { type: 'string', default: '300' },
    train: { type: 'string', default: '20000' },
    dev: { type: 'string', default: '200' },
    json: { type: 'string', default: 'bench/results/quality.json' },
  },
});
const count = (name: string, text: string | undefined): number => {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1)
    throw new RangeError(`--${name} must be a positive integer, got ${text}`);
  return value;
};

const testSize = count('test', values.test);
process.stderr.write('quality: building the synthetic pair and its models, starting the actors…\n');
const progress = createProgress({
  label: 'translating held-out sentences',
  total: testSize,
  lineInterval: 15_000,
});
const report = await runQuality({
  testSize,
  trainSize: count('train', values.train),
  devSize: count('dev', values.dev),
  onPhase: (phase, seconds) => {
    if (phase !== 'test') process.stderr.write(`quality: ${phase} (${seconds.toFixed(1)} s)\n`);
  },
  onProgress: (done) => progress.update(done),
});
progress.done();
process.stdout.write(`${formatQualityReport(report)}\n`);
await writeQualityResults(values.json, report);
process.stderr.write(`quality: results in ${values.json}\n`);
