/**
 * Confidence read from a model's answer, one score per row: the answer holds distributions on its
 * last axis (logits, log-probabilities or probabilities), one per position of the row.
 *
 * A row with a NaN, a +Infinity, or a position whose every entry is −Infinity (no distribution at
 * all) scores NaN, which the cascade treats as "not confident" (cascade-decision.ts). −Infinity
 * entries beside finite ones are legitimate impossible classes.
 */
export function rowConfidence(
  values: ArrayLike<number>,
  rows: number,
  classes: number,
  kind: 'logits' | 'logprobs' | 'probs',
  measure: 'max-probability' | 'mean-logprob',
): Float64Array {
  const scores = new Float64Array(rows);
  if (rows === 0) return scores;
  const perRow = values.length / rows;
  const positions = perRow / classes;
  for (let r = 0; r < rows; r++) {
    let sum = 0;
    for (let p = 0; p < positions; p++) {
      const top = topLogProbability(values, r * perRow + p * classes, classes, kind);
      sum += measure === 'mean-logprob' ? top : Math.exp(top);
    }
    scores[r] = sum / positions;
  }
  return scores;
}

/** log of the top class's probability at one position; NaN when the position is no distribution. */
function topLogProbability(
  values: ArrayLike<number>,
  start: number,
  classes: number,
  kind: 'logits' | 'logprobs' | 'probs',
): number {
  let max = Number.NEGATIVE_INFINITY;
  for (let c = 0; c < classes; c++) {
    const v = Number(values[start + c]);
    if (Number.isNaN(v) || v === Number.POSITIVE_INFINITY) return Number.NaN;
    if (v > max) max = v;
  }
  if (kind === 'probs') return max >= 0 && max <= 1 ? Math.log(max) : Number.NaN;
  if (max === Number.NEGATIVE_INFINITY) return Number.NaN;
  if (kind === 'logprobs') return max;
  // log softmax of the top logit: −log Σ exp(x − max), stable.
  let total = 0;
  for (let c = 0; c < classes; c++) total += Math.exp(Number(values[start + c]) - max);
  return -Math.log(total);
}
