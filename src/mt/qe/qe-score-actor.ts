/**
 * Custom-actor module (runs on a worker): turns a QE model's next-token logits over every prefix
 * of some candidates into one score per candidate, the mean log-probability of its tokens (its
 * end token included), at the QE model's calibrated temperature. The second round of the QE plan
 * (quality-estimator.ts).
 */
import type { HostTensor } from '../../tensor/index.js';

export const signature = {
  inputs: [
    { name: 'logits', dtype: 'float32', shape: ['rows', 'vocab'] },
    { name: 'labels', dtype: 'int64', shape: ['rows'] },
    { name: 'lengths', dtype: 'int32', shape: ['candidates'] },
    { name: 'temperature', dtype: 'float32', shape: [1] },
  ],
  outputs: [
    { name: 'score', dtype: 'float32', shape: ['candidates'] },
    { name: 'token_logprobs', dtype: 'float32', shape: ['rows'] },
  ],
};

export function createActor() {
  return {
    run(inputs: Record<string, HostTensor>): Record<string, HostTensor> {
      const logits = inputs.logits!;
      const labels = inputs.labels!.data as BigInt64Array;
      const lengths = inputs.lengths!.data as Int32Array;
      const inverse = 1 / (inputs.temperature!.data as Float32Array)[0]!;
      const [rows, vocab] = logits.dims as [number, number];
      if (labels.length !== rows)
        throw new RangeError(`qe score: ${labels.length} labels for ${rows} rows of logits`);
      const total = lengths.reduce((sum, n) => sum + n, 0);
      if (total !== rows)
        throw new RangeError(
          `qe score: candidate lengths add up to ${total}, but there are ${rows} rows of logits`,
        );
      const data = logits.data as Float32Array;
      const tokenLogprobs = new Float32Array(rows);
      for (let r = 0; r < rows; r++) {
        const base = r * vocab;
        let max = Number.NEGATIVE_INFINITY;
        for (let c = 0; c < vocab; c++) max = Math.max(max, data[base + c]!);
        let sum = 0;
        for (let c = 0; c < vocab; c++) sum += Math.exp((data[base + c]! - max) * inverse);
        const label = Number(labels[r]);
        if (!(label >= 0 && label < vocab))
          throw new RangeError(`qe score: label ${label} outside the vocabulary of ${vocab}`);
        tokenLogprobs[r] = (data[base + label]! - max) * inverse - Math.log(sum);
      }
      const score = new Float32Array(lengths.length);
      let at = 0;
      lengths.forEach((length, k) => {
        let sum = 0;
        for (let i = 0; i < length; i++) sum += tokenLogprobs[at + i]!;
        score[k] = length > 0 ? sum / length : Number.NEGATIVE_INFINITY;
        at += length;
      });
      return {
        score: { dtype: 'float32', dims: [lengths.length], data: score },
        token_logprobs: { dtype: 'float32', dims: [rows], data: tokenLogprobs },
      };
    },
  };
}
