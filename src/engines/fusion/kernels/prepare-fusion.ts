import { FusionError } from '../../../errors.js';
import type { FusedRows, FusionInput, FusionScratch } from './fusion-input.js';

const KINDS = new Set(['logits', 'logprobs', 'probs']);

/**
 * Checks a kernel call once, outside the loops, and loads this call's weights and inverse
 * temperatures into the scratch (so the loops read one monomorphic Float64Array whatever the
 * caller passed). Returns the number of rows.
 *
 * Shapes that differ between models are a {@link FusionError} (the models disagree); a bad
 * argument from the caller is a TypeError or RangeError.
 */
export function prepareFusion(
  strategy: string,
  input: FusionInput,
  out: FusedRows | null,
  scratch: FusionScratch,
): number {
  const { kind, classes, outputs } = input;
  if (!KINDS.has(kind)) {
    throw new TypeError(
      `${strategy}: input kind must be 'logits', 'logprobs' or 'probs', got ${String(kind)}`,
    );
  }
  if (!Number.isInteger(classes) || classes < 1) {
    throw new RangeError(`${strategy}: classes must be an integer ≥ 1, got ${classes}`);
  }
  const models = outputs.length;
  if (models < 1) throw new RangeError(`${strategy}: needs at least one model output, got 0`);
  if (scratch.classes < classes || scratch.models < models) {
    throw new RangeError(
      `${strategy}: scratch holds ${scratch.classes} classes × ${scratch.models} models, ` +
        `the call needs ${classes} × ${models}`,
    );
  }
  const first = outputs[0];
  if (!(first instanceof Float32Array)) {
    throw new TypeError(`${strategy}: output of model 0 must be a Float32Array`);
  }
  const length = first.length;
  if (length % classes !== 0) {
    throw new FusionError(
      `${strategy}: output of model 0 has ${length} floats, not a multiple of ${classes} classes`,
    );
  }
  for (let k = 1; k < models; k++) {
    const x = outputs[k];
    if (!(x instanceof Float32Array)) {
      throw new TypeError(`${strategy}: output of model ${k} must be a Float32Array`);
    }
    if (x.length !== length) {
      throw new FusionError(
        `${strategy}: output of model ${k} has ${x.length} floats, model 0 has ${length} (shapes differ)`,
      );
    }
  }
  const rows = length / classes;
  if (out !== null) {
    if (!(out.distribution instanceof Float32Array) || out.distribution.length !== length) {
      throw new RangeError(
        `${strategy}: fused distribution must be a Float32Array of ${length} floats, got ${describe(out.distribution)}`,
      );
    }
    if (!(out.argmax instanceof Int32Array) || out.argmax.length !== rows) {
      throw new RangeError(
        `${strategy}: fused argmax must be an Int32Array of ${rows} rows, got ${describe(out.argmax)}`,
      );
    }
  }
  loadWeights(strategy, input, models, scratch);
  loadTemperatures(strategy, input, models, scratch);
  return rows;
}

function loadWeights(
  strategy: string,
  input: FusionInput,
  models: number,
  scratch: FusionScratch,
): void {
  const given = input.weights;
  if (given === undefined) {
    scratch.weights.fill(1, 0, models);
    return;
  }
  if (given.length !== models) {
    throw new RangeError(`${strategy}: ${given.length} weights for ${models} models`);
  }
  let total = 0;
  for (let k = 0; k < models; k++) {
    const w = given[k]!;
    if (typeof w !== 'number' || !Number.isFinite(w) || w < 0) {
      throw new RangeError(`${strategy}: weight of model ${k} must be finite and ≥ 0, got ${w}`);
    }
    scratch.weights[k] = w;
    total += w;
  }
  if (total === 0) throw new RangeError(`${strategy}: all ${models} weights are 0`);
}

function loadTemperatures(
  strategy: string,
  input: FusionInput,
  models: number,
  scratch: FusionScratch,
): void {
  const given = input.temperatures;
  if (given === undefined) {
    scratch.inverseTemperatures.fill(1, 0, models);
    return;
  }
  if (given.length !== models) {
    throw new RangeError(`${strategy}: ${given.length} temperatures for ${models} models`);
  }
  for (let k = 0; k < models; k++) {
    const t = given[k]!;
    if (typeof t !== 'number' || !Number.isFinite(t) || t <= 0) {
      throw new RangeError(
        `${strategy}: temperature of model ${k} must be finite and > 0, got ${t}`,
      );
    }
    if (input.kind === 'probs' && t !== 1) {
      throw new RangeError(
        `${strategy}: temperature of model ${k} is ${t}, but kind 'probs' takes no temperature (only 1)`,
      );
    }
    scratch.inverseTemperatures[k] = 1 / t;
  }
}

/** Σ weights of this call (already checked > 0). */
export function totalWeight(scratch: FusionScratch, models: number): number {
  let total = 0;
  for (let k = 0; k < models; k++) total += scratch.weights[k]!;
  return total;
}

function describe(value: unknown): string {
  if (ArrayBuffer.isView(value)) {
    return `${value.constructor.name} of ${(value as unknown as ArrayLike<number>).length}`;
  }
  return typeof value;
}
