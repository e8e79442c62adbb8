import type { BleuScore } from './bleu.js';
import type { ChrfScore } from './chrf.js';
import { formatFixed } from './format-fixed.js';
import { signatureFields } from './signature.js';

export type MetricScore = BleuScore | ChrfScore;

function isBleu(score: MetricScore): score is BleuScore {
  return score.name === 'BLEU';
}

/** BLEU's details after the score: `82.4/50.0/45.5/37.5 (BP = 0.943 ratio = 0.944 …)`. */
function verbose(score: MetricScore): string {
  if (!isBleu(score)) return '';
  const precisions = score.precisions.map((p) => formatFixed(p, 1)).join('/');
  return (
    `${precisions} (BP = ${formatFixed(score.bp, 3)} ratio = ${formatFixed(score.ratio, 3)} ` +
    `hyp_len = ${score.sysLen} ref_len = ${score.refLen})`
  );
}

/**
 * The line sacreBLEU's `--format text` prints for one metric, with the score at `width`
 * decimals (sacreBLEU's default is 1):
 * `BLEU|nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0 = 48.5 82.4/50.0/… (BP = …)`
 */
export function formatScoreLine(score: MetricScore, width = 1): string {
  const line = `${score.name}|${score.signature} = ${formatFixed(score.score, width)}`;
  const details = verbose(score);
  return details ? `${line} ${details}` : line;
}

/**
 * The object sacreBLEU's default `--format json` prints: name, the score rounded to `width`
 * decimals, signature, BLEU's details, then each signature field. `exact_score`, which sacreBLEU
 * does not print, carries the score at full precision.
 */
export function scoreRecord(score: MetricScore, width = 1): Record<string, string | number> {
  const record: Record<string, string | number> = {
    name: score.name,
    score: Number(formatFixed(score.score, width)),
    signature: score.signature,
  };
  const details = verbose(score);
  if (details) record.verbose_score = details;
  for (const [key, value] of signatureFields(score.signature)) record[key] = value;
  record.exact_score = score.score;
  return record;
}
