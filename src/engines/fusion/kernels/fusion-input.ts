import { KernelLoadError } from '../../../errors.js';
import { simdCapability } from './simd/simd-module.js';
import { SimdWorkspace } from './simd/simd-workspace.js';

/**
 * What every fusion kernel reads and writes. The K model outputs are Float32Array views (over the
 * arena's SharedArrayBuffer in the runtime, but any Float32Array works) of identical length
 * N = rows × classes, the class axis last.
 */

/**
 * How a model's output is expressed. 'logits' and 'logprobs' are divided by the model's
 * temperature and normalised per row (log_softmax), so logprobs need not be exactly normalised;
 * -Infinity is a legitimate "impossible class" in both. 'probs' are taken as given (no
 * renormalisation, temperature must be 1).
 */
export type FusionInputKind = 'logits' | 'logprobs' | 'probs';

/** What a fused distribution holds: probabilities, or natural-log probabilities. */
export type FusedKind = 'probs' | 'logprobs';

export interface FusionInput {
  readonly kind: FusionInputKind;
  /** Length of the last axis, V ≥ 1. */
  readonly classes: number;
  /** One output per model, each of length rows × classes. Must not alias the fused output. */
  readonly outputs: readonly Float32Array[];
  /**
   * Weight of each model, finite and ≥ 0, not all 0; default 1 each. A model of weight 0 is left
   * out (its output is not even read). Whether the weights are normalised depends on the
   * strategy: see each kernel.
   */
  readonly weights?: ArrayLike<number> | undefined;
  /** Temperature of each model, finite and > 0; default 1. Must be 1 for kind 'probs'. */
  readonly temperatures?: ArrayLike<number> | undefined;
}

/** Where a kernel writes: allocated once by the caller and reused. */
export interface FusedRows {
  /** rows × classes: the fused distribution of each row (probabilities or log-probabilities). */
  readonly distribution: Float32Array;
  /** rows: the fused class of each row (the first index of the maximum, unless documented). */
  readonly argmax: Int32Array;
}

/**
 * Working memory of the kernels, so that a call allocates nothing. One scratch serves every
 * strategy for up to `classes` classes and `models` models; it is not safe to share between two
 * calls running at once (which JavaScript only allows across threads: one scratch per thread).
 */
export interface FusionScratch {
  readonly classes: number;
  readonly models: number;
  /** Per class: one model's row (exp terms, or its distribution). */
  readonly row: Float64Array;
  /** Per class: a second row, kept while `row` is overwritten (max-confidence keeps the best). */
  readonly spare: Float64Array;
  /** Per class: the weighted sum over models. */
  readonly accumulator: Float64Array;
  /** Per model: the weight of this call. */
  readonly weights: Float64Array;
  /** Per model: 1 / temperature of this call. */
  readonly inverseTemperatures: Float64Array;
  /** Per model: a per-row value (row maximum, log-normaliser, or argmax, by kernel). */
  readonly perModelA: Float64Array;
  readonly perModelB: Float64Array;
  /**
   * The WebAssembly SIMD workspace the kernels use when present (simd/simd-workspace.ts); null
   * for the scalar JavaScript loops only.
   */
  readonly simd: SimdWorkspace | null;
}

export interface FusionScratchOptions {
  /**
   * true: the WebAssembly SIMD kernels, and a KernelLoadError where the engine has no SIMD;
   * false: the scalar JavaScript loops; default: SIMD where simdCapability() finds it.
   */
  readonly simd?: boolean;
}

export function createFusionScratch(
  classes: number,
  models: number,
  options: FusionScratchOptions = {},
): FusionScratch {
  if (!Number.isInteger(classes) || classes < 1) {
    throw new RangeError(`fusion scratch: classes must be an integer ≥ 1, got ${classes}`);
  }
  if (!Number.isInteger(models) || models < 1) {
    throw new RangeError(`fusion scratch: models must be an integer ≥ 1, got ${models}`);
  }
  return {
    classes,
    models,
    row: new Float64Array(classes),
    spare: new Float64Array(classes),
    accumulator: new Float64Array(classes),
    weights: new Float64Array(models),
    inverseTemperatures: new Float64Array(models),
    perModelA: new Float64Array(models),
    perModelB: new Float64Array(models),
    simd: simdChosen(options.simd) ? SimdWorkspace.create(classes) : null,
  };
}

function simdChosen(option: boolean | undefined): boolean {
  if (option === false) return false;
  const { available, reason } = simdCapability();
  if (option === true && !available) {
    throw new KernelLoadError(`fusion scratch: WebAssembly SIMD was asked for, but ${reason}`);
  }
  return available;
}
