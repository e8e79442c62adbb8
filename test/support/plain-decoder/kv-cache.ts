import * as ort from 'onnxruntime-node';

/**
 * One cache tensor kept between steps. Rows (beams) sit on `batchAxis`: genai's old GPT-2
 * layout stacks key and value in front, [2, batch, heads, past, headDim], Optimum's is
 * [batch, heads, past, headDim].
 */
export function reorderRows(
  tensor: ort.Tensor,
  batchAxis: number,
  from: readonly number[],
): ort.Tensor {
  const dims = tensor.dims;
  const data = tensor.data as Float32Array;
  const outer = dims.slice(0, batchAxis).reduce((a, b) => a * b, 1);
  const rows = dims[batchAxis]!;
  const rowSize = dims.slice(batchAxis + 1).reduce((a, b) => a * b, 1);
  const out = new Float32Array(outer * from.length * rowSize);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < from.length; i++) {
      const source = (o * rows + from[i]!) * rowSize;
      out.set(data.subarray(source, source + rowSize), (o * from.length + i) * rowSize);
    }
  }
  const newDims = [...dims];
  newDims[batchAxis] = from.length;
  return new ort.Tensor('float32', out, newDims);
}

export function emptyCache(dims: readonly number[]): ort.Tensor {
  return new ort.Tensor('float32', new Float32Array(0), dims);
}

/** Int tensor [rows, width] of the given dtype. */
export function intMatrix(
  dtype: 'int32' | 'int64',
  rows: readonly (readonly number[])[],
): ort.Tensor {
  const width = rows[0]?.length ?? 0;
  const flat = rows.flat();
  return dtype === 'int64'
    ? new ort.Tensor('int64', BigInt64Array.from(flat, BigInt), [rows.length, width])
    : new ort.Tensor('int32', Int32Array.from(flat), [rows.length, width]);
}

/** The logits of each row's last position, from a [rows, seq, vocab] output. */
export function lastPositionLogits(logits: ort.Tensor): Float32Array[] {
  const [rows, seq, vocab] = logits.dims as [number, number, number];
  const data = logits.data as Float32Array;
  return Array.from({ length: rows }, (_, r) => {
    const start = (r * seq + seq - 1) * vocab;
    return data.slice(start, start + vocab);
  });
}
