/**
 * The row accumulations the scalar fusion kernels share: the first model of weight > 0 assigns
 * its scaled row to the float64 accumulator, every later one adds to it. Two loops rather than a
 * zeroed accumulator and one, so the first model's row is written without being read back.
 */

/** acc[j] = c · x[start + j], for j < n: a model's row, scaled. */
export function assignScaled(
  x: Float32Array,
  start: number,
  n: number,
  c: number,
  acc: Float64Array,
) {
  for (let j = 0; j < n; j++) acc[j] = c * x[start + j]!;
}

/** acc[j] += c · x[start + j], for j < n. */
export function addScaled(x: Float32Array, start: number, n: number, c: number, acc: Float64Array) {
  for (let j = 0; j < n; j++) acc[j] = acc[j]! + c * x[start + j]!;
}

/** acc[j] = c · terms[j], for j < n: a row of exponentials already computed, scaled. */
export function assignTermsScaled(terms: Float64Array, n: number, c: number, acc: Float64Array) {
  for (let j = 0; j < n; j++) acc[j] = c * terms[j]!;
}

/** acc[j] += c · terms[j], for j < n. */
export function addTermsScaled(terms: Float64Array, n: number, c: number, acc: Float64Array) {
  for (let j = 0; j < n; j++) acc[j] = acc[j]! + c * terms[j]!;
}
