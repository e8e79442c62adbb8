import { rowExp } from './exp-kernel.js';
import { rowLog } from './log-kernel.js';
import { rowAbsDiff, rowShift } from './row-kernels.js';
import { combine, rowMax } from './row-stats-kernels.js';
import { type WasmModule, webAssembly } from './wasm-api.js';
import { encodeModule, type WasmFunction } from './wasm-encoding.js';

/**
 * The WebAssembly SIMD kernels, written as code that writes code. They work on float32 rows in
 * the module's own memory (the caller copies inputs in): all pointers are byte offsets, counts
 * are in floats. Four lanes at a time, a scalar tail for a row length that is not a multiple of 4.
 *
 * - combine{K}{Assign|Add}[Stats](dst, rows, classes, src_1, weights_1, …[, max, argmax, check]):
 *   dst = [dst +] Σ_k w_k,r·src_k for K = 1..4, with one float32 weight per row and model (so a
 *   softmax's 1/Σexp folds into the weight); the Stats variants also take rowMax's statistics
 *   of the result on the way;
 * - rowMax(src, rows, classes, max, argmax, check): per row the maximum, its first index, and the
 *   sum of the row, which is NaN or +Infinity iff some element is (the fault check);
 * - rowExp(src, dst, rows, classes, max, invT, sums): dst = exp((src − max_r)·invT), and the row
 *   sums accumulated in float64;
 * - rowShift(src, dst, rows, classes, shift): dst = src − shift_r;
 * - rowLog(src, dst, rows, classes, threshold, count): dst = log(src), counting per row the
 *   elements below the threshold, which the caller recomputes;
 * - rowAbsDiff(a, weights, b, rows, classes, sums): per row Σ |w_r·a − b| in float64.
 *
 * exp follows Cephes' expf: t·log2(e) rounded to n (by the 1.5·2^23 trick, no conversion
 * instruction), r = t − n·ln2 with ln2 in two parts, exp(r) by a degree-6 polynomial, times 2^n
 * built in the exponent bits. Relative error about 2e-7 for t ≥ −87.3; 0 below (where a float32
 * result would be subnormal) and at −Infinity. test/fusion-simd.test.ts checks it against
 * Math.exp to 1e-6.
 */

export { SIMD_EXP_FLOOR } from './exp-kernel.js';

export const MAX_COMBINED = 4;

/** The module's exports, as the engine calls them. */
export interface SimdExports {
  readonly combine1Assign: (dst: number, rows: number, classes: number, ...sw: number[]) => void;
  readonly rowMax: (
    src: number,
    rows: number,
    classes: number,
    maxOut: number,
    argmaxOut: number,
    checkOut: number,
  ) => void;
  readonly rowExp: (
    src: number,
    dst: number,
    rows: number,
    classes: number,
    maxIn: number,
    invT: number,
    sumOut: number,
  ) => void;
  readonly rowShift: (
    src: number,
    dst: number,
    rows: number,
    classes: number,
    shiftIn: number,
  ) => void;
  readonly rowAbsDiff: (
    a: number,
    weights: number,
    b: number,
    rows: number,
    classes: number,
    sumOut: number,
  ) => void;
  readonly rowLog: (
    src: number,
    dst: number,
    rows: number,
    classes: number,
    threshold: number,
    countOut: number,
  ) => void;
  readonly [name: string]: unknown;
}

let compiled: WasmModule | null | undefined;

/** The compiled module, or null where this engine has no WebAssembly SIMD. Compiled once. */
export function simdModule(): WasmModule | null {
  if (compiled !== undefined) return compiled;
  const wasm = webAssembly();
  if (wasm === null) {
    compiled = null;
    return null;
  }
  const functions: WasmFunction[] = [rowMax(), rowExp(), rowShift(), rowLog(), rowAbsDiff()];
  for (let k = 1; k <= MAX_COMBINED; k++) {
    for (const accumulate of [false, true]) {
      functions.push(combine(k, accumulate, false), combine(k, accumulate, true));
    }
  }
  const bytes = encodeModule(functions);
  compiled = wasm.validate(bytes) ? new wasm.Module(bytes) : null;
  return compiled;
}
