import { seededRandom } from '../util/mulberry32.js';
import { AdamW } from './adamw.js';
import {
  createObjectiveScratch,
  fusedObjective,
  type LearnableStrategy,
  type ObjectiveValue,
} from './fusion-objective.js';
import { decodeParameters, parameterObjective } from './fusion-parameters.js';
import type { LabelledSet } from './labelled-set.js';
import { shuffle } from './shuffle.js';

export interface LearnFusionOptions {
  readonly strategy: LearnableStrategy;
  /** AdamW step size; default 0.05. */
  readonly learningRate?: number;
  /** AdamW moment decays; default [0.9, 0.999]. */
  readonly betas?: readonly [number, number];
  /** Decoupled weight decay on θ and log-temperatures (towards uniform, T = 1); default 0.01. */
  readonly weightDecay?: number;
  /** AdamW ε; default 1e-8. */
  readonly eps?: number;
  /** Default 500. */
  readonly maxEpochs?: number;
  /** Epochs without a validation improvement before stopping; default 20. */
  readonly patience?: number;
  /** A validation loss must drop by more than this to count as an improvement; default 1e-6. */
  readonly minImprovement?: number;
  /** Share of the set held out for validation, after a seeded shuffle; default 0.2. */
  readonly validationFraction?: number;
  /** Examples per step; default the whole training split (full-batch). */
  readonly batchSize?: number;
  /** Seed of the split and of the batch order; default 1. */
  readonly seed?: number;
  /** Learn temperatures as well as weights; default true. */
  readonly learnTemperatures?: boolean;
}

/** A type rather than an interface, so that it fits the free-form metrics of a weights file. */
export type LearnMetrics = {
  /** Training loss (mean NLL, nats) at the best epoch. */
  readonly trainLoss: number;
  /** Best validation loss, the one whose parameters are returned. */
  readonly validationLoss: number;
  readonly validationAccuracy: number;
  /** Validation loss of the starting point (uniform weights, temperature 1), for comparison. */
  readonly uniformValidationLoss: number;
  readonly epochs: number;
  readonly bestEpoch: number;
  readonly stoppedEarly: boolean;
  readonly trainExamples: number;
  readonly validationExamples: number;
};

export interface LearnedFusion {
  readonly strategy: LearnableStrategy;
  /** Sum to 1 (softmax of the learned θ). */
  readonly weights: number[];
  readonly temperatures: number[];
  readonly metrics: LearnMetrics;
}

/**
 * Learns per-model fusion weights (and temperatures) over fixed models from a labelled set:
 * minimises the mean negative log-likelihood of the gold class under the fused distribution with
 * AdamW on analytic gradients, one step per batch; holds out a seeded validation split, stops
 * after `patience` epochs without improvement and returns the parameters of the best epoch.
 * Synchronous and CPU-bound: run it on a worker where the event loop matters.
 */
export function learnFusionWeights(set: LabelledSet, options: LearnFusionOptions): LearnedFusion {
  const strategy = options.strategy;
  if (strategy !== 'weighted-mean' && strategy !== 'log-linear') {
    throw new TypeError(
      `learn fusion: strategy must be 'weighted-mean' or 'log-linear', got ${String(strategy)}`,
    );
  }
  const maxEpochs = positiveInteger('maxEpochs', options.maxEpochs ?? 500);
  const patience = positiveInteger('patience', options.patience ?? 20);
  const minImprovement = options.minImprovement ?? 1e-6;
  const learnTemperatures = options.learnTemperatures ?? true;
  const { train, validation } = splitExamples(
    set.size,
    options.validationFraction ?? 0.2,
    options.seed ?? 1,
  );
  const batchSize = positiveInteger('batchSize', options.batchSize ?? train.length);
  const random = seededRandom((options.seed ?? 1) ^ 0x5bd1e995);

  const models = set.models;
  const parameters = new Float64Array(2 * models);
  const gradient = new Float64Array(2 * models);
  const best = new Float64Array(2 * models);
  const scratch = createObjectiveScratch(set);
  const optimiser = new AdamW(2 * models, {
    learningRate: options.learningRate ?? 0.05,
    betas: options.betas ?? [0.9, 0.999],
    weightDecay: options.weightDecay ?? 0.01,
    eps: options.eps ?? 1e-8,
  });

  const validate = () =>
    parameterObjective(set, strategy, parameters, validation, validation.length, null, scratch);
  const start = validate();
  let bestValue = start;
  let bestEpoch = 0;
  let epoch = 0;
  let stoppedEarly = false;
  while (epoch < maxEpochs) {
    epoch++;
    if (batchSize < train.length) shuffle(train, random);
    for (let from = 0; from < train.length; from += batchSize) {
      const count = Math.min(batchSize, train.length - from);
      parameterObjective(set, strategy, parameters, train.subarray(from), count, gradient, scratch);
      if (!learnTemperatures) gradient.fill(0, models);
      optimiser.step(parameters, gradient);
    }
    const value = validate();
    if (value.loss < bestValue.loss - minImprovement) {
      bestValue = value;
      bestEpoch = epoch;
      best.set(parameters);
    } else if (epoch - bestEpoch >= patience) {
      stoppedEarly = true;
      break;
    }
  }
  if (bestEpoch === 0) best.fill(0);
  const trainValue = parameterObjective(set, strategy, best, train, train.length, null, scratch);
  const weights = new Float64Array(models);
  const temperatures = new Float64Array(models);
  decodeParameters(best, models, weights, temperatures);
  return {
    strategy,
    weights: Array.from(weights),
    temperatures: Array.from(temperatures),
    metrics: {
      trainLoss: trainValue.loss,
      validationLoss: bestValue.loss,
      validationAccuracy: bestValue.accuracy,
      uniformValidationLoss: start.loss,
      epochs: epoch,
      bestEpoch,
      stoppedEarly,
      trainExamples: train.length,
      validationExamples: validation.length,
    },
  };
}

/**
 * Loss (mean NLL) and accuracy of a fusion over a labelled set, or over some of its examples,
 * with weights and temperatures as given (as the kernels use them).
 */
export function evaluateFusion(
  set: LabelledSet,
  fusion: {
    readonly strategy: LearnableStrategy;
    readonly weights: ArrayLike<number>;
    readonly temperatures?: ArrayLike<number>;
  },
  examples?: Int32Array,
): ObjectiveValue {
  const models = set.models;
  if (fusion.weights.length !== models) {
    throw new RangeError(`evaluate fusion: ${fusion.weights.length} weights for ${models} models`);
  }
  const temperatures = Float64Array.from(fusion.temperatures ?? new Array(models).fill(1));
  if (temperatures.length !== models || temperatures.some((t) => !(t > 0))) {
    throw new RangeError(`evaluate fusion: need ${models} temperatures > 0`);
  }
  const chosen = examples ?? Int32Array.from({ length: set.size }, (_, i) => i);
  return fusedObjective(
    set,
    fusion.strategy,
    Float64Array.from(fusion.weights),
    temperatures,
    chosen,
    chosen.length,
    false,
    createObjectiveScratch(set),
  );
}

/** Seeded shuffle of the example indices, then the first share for validation. */
export function splitExamples(
  size: number,
  validationFraction: number,
  seed: number,
): { train: Int32Array; validation: Int32Array } {
  if (!(validationFraction > 0 && validationFraction < 1)) {
    throw new RangeError(
      `learn fusion: validationFraction must be in (0, 1), got ${validationFraction}`,
    );
  }
  const order = Int32Array.from({ length: size }, (_, i) => i);
  shuffle(order, seededRandom(seed));
  const held = Math.round(size * validationFraction);
  if (held < 1 || held >= size) {
    throw new RangeError(
      `learn fusion: ${size} examples leave no room for a validation share of ${validationFraction}`,
    );
  }
  return { validation: order.slice(0, held), train: order.slice(held) };
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`learn fusion: ${name} must be an integer ≥ 1, got ${value}`);
  }
  return value;
}
