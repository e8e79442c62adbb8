import { FusionError } from '../../../errors.js';
import type { FusionInputKind } from './fusion-input.js';

/**
 * The slow path taken once a cheap per-row check (a sum that came out NaN or +Infinity, a maximum
 * that stayed -Infinity) has seen that something is wrong: find the first offending value of the
 * row and name it. Never called on good data, so it may take its time.
 */
export function throwRowFault(
  strategy: string,
  x: Float32Array,
  start: number,
  classes: number,
  kind: FusionInputKind,
  model: number,
  row: number,
): never {
  for (let j = 0; j < classes; j++) {
    const v = x[start + j]!;
    if (Number.isNaN(v) || v === Number.POSITIVE_INFINITY) {
      throw new FusionError(
        `${strategy}: output of model ${model} has ${v} at row ${row}, class ${j} (expected finite ${kind})`,
      );
    }
    if (kind === 'probs' && v === Number.NEGATIVE_INFINITY) {
      throw new FusionError(
        `${strategy}: output of model ${model} has ${v} at row ${row}, class ${j} (expected a probability)`,
      );
    }
  }
  if (kind !== 'probs') {
    throw new FusionError(
      `${strategy}: output of model ${model} gives every class -Infinity at row ${row} (expected at least one finite ${kind} value)`,
    );
  }
  throw new FusionError(`${strategy}: output of model ${model} is not finite at row ${row}`);
}
