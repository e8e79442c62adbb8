/** A typed array of any element type ONNX Runtime hands back. */
export type TensorData =
  | Float32Array
  | Float64Array
  | Uint16Array
  | Int32Array
  | BigInt64Array
  | Uint8Array;

/**
 * Picks slices `indices` along `axis` of a row-major tensor: the rows of a beam reorder or fork
 * (axis = batch, indices may repeat), or the first positions of a rewind (axis = sequence).
 * Copies whole contiguous runs of the inner dimensions at once.
 */
export function takeAlong<T extends TensorData>(
  data: T,
  dims: readonly number[],
  axis: number,
  indices: readonly number[],
): { data: T; dims: number[] } {
  const size = dims[axis]!;
  let outer = 1;
  for (let i = 0; i < axis; i++) outer *= dims[i]!;
  let inner = 1;
  for (let i = axis + 1; i < dims.length; i++) inner *= dims[i]!;
  for (const index of indices) {
    if (!(index >= 0 && index < size)) {
      throw new RangeError(`index ${index} outside dimension ${axis} of size ${size}`);
    }
  }
  const Ctor = data.constructor as new (length: number) => T;
  const out = new Ctor(outer * indices.length * inner);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < indices.length; j++) {
      const from = (o * size + indices[j]!) * inner;
      (out as Float32Array).set(
        (data as Float32Array).subarray(from, from + inner),
        (o * indices.length + j) * inner,
      );
    }
  }
  const outDims = [...dims];
  outDims[axis] = indices.length;
  return { data: out, dims: outDims };
}
