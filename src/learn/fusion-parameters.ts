import {
  fusedObjective,
  type LearnableStrategy,
  type ObjectiveScratch,
  type ObjectiveValue,
} from './fusion-objective.js';
import type { LabelledSet } from './labelled-set.js';

/**
 * What the optimiser moves: 2K unconstrained numbers, [θ_1..θ_K, τ_1..τ_K], with
 * weights = softmax(θ) and temperatures = exp(τ).
 *
 * Why softmax rather than softplus: the weights stay positive and sum to 1, so for log-linear
 * fusion their scale cannot trade off against the temperatures' (only the ratio w_k / T_k enters
 * its loss), and weight decay on θ pulls towards uniform weights, on τ towards temperature 1 —
 * both sensible priors. All-zero parameters are the uniform, untempered fusion.
 */
export function decodeParameters(
  parameters: Float64Array,
  models: number,
  weights: Float64Array,
  temperatures: Float64Array,
): void {
  let top = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < models; k++) top = Math.max(top, parameters[k]!);
  let sum = 0;
  for (let k = 0; k < models; k++) {
    const e = Math.exp(parameters[k]! - top);
    weights[k] = e;
    sum += e;
  }
  for (let k = 0; k < models; k++) {
    weights[k] = weights[k]! / sum;
    temperatures[k] = Math.exp(parameters[models + k]!);
  }
}

/**
 * Loss and accuracy at `parameters` over examples[0..count), and when `gradient` is given, the
 * gradient of the loss with respect to the parameters: through the softmax,
 * ∂L/∂θ_j = w_j (∂L/∂w_j − Σ_k w_k ∂L/∂w_k); ∂L/∂τ_k is the log-temperature gradient itself.
 */
export function parameterObjective(
  set: LabelledSet,
  strategy: LearnableStrategy,
  parameters: Float64Array,
  examples: Int32Array,
  count: number,
  gradient: Float64Array | null,
  scratch: ObjectiveScratch,
): ObjectiveValue {
  const models = set.models;
  const { weights, temperatures } = scratch;
  decodeParameters(parameters, models, weights, temperatures);
  const value = fusedObjective(
    set,
    strategy,
    weights,
    temperatures,
    examples,
    count,
    gradient !== null,
    scratch,
  );
  if (gradient !== null) {
    let mean = 0;
    for (let k = 0; k < models; k++) mean += weights[k]! * scratch.gradWeights[k]!;
    for (let k = 0; k < models; k++) {
      gradient[k] = weights[k]! * (scratch.gradWeights[k]! - mean);
      gradient[models + k] = scratch.gradLogTemperatures[k]!;
    }
  }
  return value;
}
