import type { FusedRows } from '../fusion-input.js';
import { MAX_COMBINED, type SimdExports, simdModule } from './simd-module.js';
import { type WasmModule, webAssembly } from './wasm-api.js';

/**
 * Floats per row-chunk slot (256 KiB). Smaller chunks would stay in L2, but each chunk costs a
 * `set` call per model, and copies out of a SharedArrayBuffer pay per call: 16 MB took about
 * 0.62 ms in 64 Ki-float chunks and 0.9-1.0 ms in 4 Ki-float chunks on the 2-core test machine.
 */
const CHUNK_FLOATS = 65536;
/** Model rows resident at once: max-confidence and the vote need every model of a chunk. */
export const RESIDENT_MODELS = 8;
const PAGE = 65536;

type Combine = (dst: number, rows: number, classes: number, ...sourcesAndWeights: number[]) => void;

/**
 * The memory and kernels of the WebAssembly SIMD path (simd-module.ts), as operations on chunks
 * of rows. WebAssembly reads only its own memory, so a strategy copies each model's chunk into a
 * slot (`TypedArray.set`, a memcpy into cache-resident memory), runs kernels over the slots, and
 * copies the fused chunk out. Per slot and row it keeps the maximum, argmax, a sum for the fault
 * check, a softmax sum and a combination weight; the fused chunk has the same statistics.
 *
 * One workspace per FusionScratch, sized for its number of classes and never grown; calls
 * allocate nothing but the typed-array views that name each input's chunk.
 */
export class SimdWorkspace {
  /** Rows per chunk: sized for the classes the workspace was made for, so fewer also fit. */
  readonly chunkRows: number;
  readonly f32: Float32Array;
  readonly f64: Float64Array;
  readonly #i32: Int32Array;
  readonly #slots: Float32Array[];
  readonly #slotAt: number[];
  readonly #fusedAt: number;
  readonly #tmpAt: number;
  readonly #maxAt: number[];
  readonly #argmaxAt: number[];
  readonly #checkAt: number[];
  readonly #sumAt: number[];
  readonly #weightAt: number[];
  readonly #shiftAt: number;
  readonly #fusedMaxAt: number;
  readonly #fusedArgmaxAt: number;
  readonly #fusedCheckAt: number;
  readonly #fusedSumAt: number;
  readonly #smallAt: number;
  readonly #gapAt: number;
  readonly #combiners: readonly (readonly Combine[])[];
  readonly #kernels: SimdExports;

  /** A workspace for rows of up to `classes`, or null where WebAssembly SIMD is not available. */
  static create(classes: number): SimdWorkspace | null {
    const module = simdModule();
    return module === null ? null : new SimdWorkspace(classes, module);
  }

  private constructor(classes: number, module: WasmModule) {
    const wasm = webAssembly()!;
    const rows = Math.max(1, Math.floor(CHUNK_FLOATS / classes));
    this.chunkRows = rows;
    let next = 0;
    const take = (bytes: number) => {
      const at = next;
      next += Math.ceil(bytes / 64) * 64;
      return at;
    };
    const perModel = (bytes: number) => Array.from({ length: RESIDENT_MODELS }, () => take(bytes));
    this.#slotAt = perModel(rows * classes * 4);
    this.#fusedAt = take(rows * classes * 4);
    this.#tmpAt = take(rows * classes * 4);
    this.#maxAt = perModel(rows * 4);
    this.#argmaxAt = perModel(rows * 4);
    this.#checkAt = perModel(rows * 4);
    this.#sumAt = perModel(rows * 8);
    this.#weightAt = perModel(rows * 4);
    this.#shiftAt = take(rows * 4);
    this.#fusedMaxAt = take(rows * 4);
    this.#fusedArgmaxAt = take(rows * 4);
    this.#fusedCheckAt = take(rows * 4);
    this.#fusedSumAt = take(rows * 8);
    this.#smallAt = take(rows * 4);
    this.#gapAt = take(rows * 8);
    const memory = new wasm.Memory({ initial: Math.ceil(next / PAGE) });
    const instance = new wasm.Instance(module, { env: { memory } });
    this.#kernels = instance.exports as unknown as SimdExports;
    const exported = instance.exports as Record<string, Combine>;
    // Indexed [assign + 2·stats][arity − 1].
    this.#combiners = ['Add', 'Assign', 'AddStats', 'AssignStats'].map((variant) =>
      Array.from({ length: MAX_COMBINED }, (_, k) => exported[`combine${k + 1}${variant}`]!),
    );
    this.f32 = new Float32Array(memory.buffer);
    this.f64 = new Float64Array(memory.buffer);
    this.#i32 = new Int32Array(memory.buffer);
    this.#slots = this.#slotAt.map((at) => new Float32Array(memory.buffer, at, rows * classes));
  }

  /** Copies `count` floats of a model output from `start` into a slot. */
  load(slot: number, x: Float32Array, start: number, count: number): void {
    this.#slots[slot]!.set(x.subarray(start, start + count));
  }

  /** Per row of the slot: max, first argmax and the check sum. */
  rowStats(slot: number, rows: number, classes: number): void {
    this.#kernels.rowMax(
      this.#slotAt[slot]!,
      rows,
      classes,
      this.#maxAt[slot]!,
      this.#argmaxAt[slot]!,
      this.#checkAt[slot]!,
    );
  }

  /** The slot's rows become exp((x − max)·invT), in place; the sums go to `sum`. */
  rowExp(slot: number, rows: number, classes: number, inverseTemperature: number): void {
    const at = this.#slotAt[slot]!;
    this.#kernels.rowExp(
      at,
      at,
      rows,
      classes,
      this.#maxAt[slot]!,
      inverseTemperature,
      this.#sumAt[slot]!,
    );
  }

  max(slot: number, row: number): number {
    return this.f32[(this.#maxAt[slot]! >> 2) + row]!;
  }

  argmax(slot: number, row: number): number {
    return this.#i32[(this.#argmaxAt[slot]! >> 2) + row]!;
  }

  sum(slot: number, row: number): number {
    return this.f64[(this.#sumAt[slot]! >> 3) + row]!;
  }

  /** A slot's value at (row, class) of the chunk. */
  value(slot: number, row: number, classes: number, j: number): number {
    return this.f32[(this.#slotAt[slot]! >> 2) + row * classes + j]!;
  }

  /** Sets the per-row maximum of a slot (so that rowExp of logprobs can shift by 0). */
  fillMax(slot: number, rows: number, value: number): void {
    const at = this.#maxAt[slot]! >> 2;
    this.f32.fill(value, at, at + rows);
  }

  /**
   * Per row Σ_j |weight·slot_j − other_j| (weights as set for `slot`), read with {@link gap}.
   */
  absDiff(slot: number, other: number, rows: number, classes: number): void {
    this.#kernels.rowAbsDiff(
      this.#slotAt[slot]!,
      this.#weightAt[slot]!,
      this.#slotAt[other]!,
      rows,
      classes,
      this.#gapAt,
    );
  }

  gap(row: number): number {
    return this.f64[(this.#gapAt >> 3) + row]!;
  }

  setWeight(slot: number, row: number, weight: number): void {
    this.f32[(this.#weightAt[slot]! >> 2) + row] = weight;
  }

  fillWeight(slot: number, rows: number, weight: number): void {
    const at = this.#weightAt[slot]! >> 2;
    this.f32.fill(weight, at, at + rows);
  }

  /**
   * fused = [fused +] Σ weight·slot over `models` slots from `first`; with `stats` the fused
   * rows' max, argmax and check are taken on the way.
   */
  combine(
    first: number,
    models: number,
    assign: boolean,
    stats: boolean,
    rows: number,
    classes: number,
  ): void {
    const run = this.#combiners[(assign ? 1 : 0) + (stats ? 2 : 0)]![models - 1]!;
    const s = this.#slotAt;
    const w = this.#weightAt;
    const f = this.#fusedAt;
    const mx = this.#fusedMaxAt;
    const am = this.#fusedArgmaxAt;
    const ck = this.#fusedCheckAt;
    const a = first;
    // One call per arity (a spread would allocate); wasm ignores the extra arguments.
    if (models === 1) run(f, rows, classes, s[a]!, w[a]!, mx, am, ck);
    else if (models === 2) run(f, rows, classes, s[a]!, w[a]!, s[a + 1]!, w[a + 1]!, mx, am, ck);
    else if (models === 3) {
      run(f, rows, classes, s[a]!, w[a]!, s[a + 1]!, w[a + 1]!, s[a + 2]!, w[a + 2]!, mx, am, ck);
    } else {
      run(
        f,
        rows,
        classes,
        s[a]!,
        w[a]!,
        s[a + 1]!,
        w[a + 1]!,
        s[a + 2]!,
        w[a + 2]!,
        s[a + 3]!,
        w[a + 3]!,
        mx,
        am,
        ck,
      );
    }
  }

  /** Row statistics of the fused chunk (when the last combine did not take them). */
  fusedStats(rows: number, classes: number): void {
    this.#kernels.rowMax(
      this.#fusedAt,
      rows,
      classes,
      this.#fusedMaxAt,
      this.#fusedArgmaxAt,
      this.#fusedCheckAt,
    );
  }

  /** Fused rows become log_softmax of themselves (their stats must be current). */
  fusedLogSoftmax(rows: number, classes: number): void {
    const kernels = this.#kernels;
    kernels.rowExp(
      this.#fusedAt,
      this.#tmpAt,
      rows,
      classes,
      this.#fusedMaxAt,
      1,
      this.#fusedSumAt,
    );
    const f32 = this.f32;
    const max = this.#fusedMaxAt >> 2;
    const sums = this.#fusedSumAt >> 3;
    const shift = this.#shiftAt >> 2;
    for (let i = 0; i < rows; i++) f32[shift + i] = f32[max + i]! + Math.log(this.f64[sums + i]!);
    kernels.rowShift(this.#fusedAt, this.#fusedAt, rows, classes, this.#shiftAt);
  }

  /**
   * Fused rows become their natural log (float32, relative error about 1e-7) where they are at
   * least `threshold`; {@link smallCount} says per row how many were not, whose logs are garbage.
   */
  fusedLog(rows: number, classes: number, threshold: number): void {
    this.#kernels.rowLog(this.#fusedAt, this.#fusedAt, rows, classes, threshold, this.#smallAt);
  }

  smallCount(row: number): number {
    return this.#i32[(this.#smallAt >> 2) + row]!;
  }

  /**
   * The fault checks of row-scan.ts on a slot's rows, from their stats: the row sum is NaN or
   * +Infinity iff an element is; -Infinity is allowed as an element of logits (then a row whose
   * maximum is -Infinity fails), not of probs. A float32 sum can also overflow on finite values
   * near 1e38: a false alarm, which only sends the call down the scalar path.
   */
  slotRowsPass(slot: number, rows: number, negativeInfinityAllowed: boolean): boolean {
    return this.#passes(this.#checkAt[slot]!, this.#maxAt[slot]!, rows, negativeInfinityAllowed);
  }

  fusedRowsPass(rows: number, negativeInfinityAllowed: boolean): boolean {
    return this.#passes(this.#fusedCheckAt, this.#fusedMaxAt, rows, negativeInfinityAllowed);
  }

  /** Copies the fused chunk and its argmax out to rows [r0, r0 + rows) of `out`. */
  copyOut(out: FusedRows, r0: number, rows: number, classes: number): void {
    this.copyOutDistribution(out, r0, rows, classes);
    const argmax = this.#fusedArgmaxAt >> 2;
    out.argmax.set(this.#i32.subarray(argmax, argmax + rows), r0);
  }

  /** Copies the fused chunk only. */
  copyOutDistribution(out: FusedRows, r0: number, rows: number, classes: number): void {
    const fused = this.#fusedAt >> 2;
    out.distribution.set(this.f32.subarray(fused, fused + rows * classes), r0 * classes);
  }

  #passes(checkAt: number, maxAt: number, rows: number, negativeInfinityAllowed: boolean): boolean {
    const f32 = this.f32;
    const check = checkAt >> 2;
    const max = maxAt >> 2;
    for (let i = 0; i < rows; i++) {
      const sum = f32[check + i]!;
      if (Number.isNaN(sum) || sum === Number.POSITIVE_INFINITY) return false;
      if (
        negativeInfinityAllowed
          ? f32[max + i] === Number.NEGATIVE_INFINITY
          : sum === Number.NEGATIVE_INFINITY
      ) {
        return false;
      }
    }
    return true;
  }
}

/** Number of models of weight > 0. */
export function activeModels(weights: Float64Array, models: number): number {
  let active = 0;
  for (let k = 0; k < models; k++) if (weights[k] !== 0) active++;
  return active;
}
