import * as ort from 'onnxruntime-node';

/** Runs a model with onnxruntime-node on the calling thread: the reference the runtime must match. */
export async function referenceRun(
  bytes: Uint8Array,
  feeds: Record<string, ort.Tensor>,
): Promise<Record<string, ort.Tensor>> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    return (await session.run(feeds)) as Record<string, ort.Tensor>;
  } finally {
    await session.release();
  }
}

/** Row-wise softmax in float64. */
export function softmaxRows(
  logits: ArrayLike<number>,
  classes: number,
  temperature = 1,
): Float64Array {
  const out = new Float64Array(logits.length);
  for (let start = 0; start < logits.length; start += classes) {
    let max = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < classes; j++) max = Math.max(max, logits[start + j]! / temperature);
    let sum = 0;
    for (let j = 0; j < classes; j++) {
      out[start + j] = Math.exp(logits[start + j]! / temperature - max);
      sum += out[start + j]!;
    }
    for (let j = 0; j < classes; j++) out[start + j]! /= sum;
  }
  return out;
}

export function logSoftmaxRows(logits: ArrayLike<number>, classes: number): Float64Array {
  return softmaxRows(logits, classes).map(Math.log);
}
