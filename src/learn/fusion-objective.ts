import type { LabelledSet } from './labelled-set.js';

/** The strategies whose weights and temperatures can be learned by gradient. */
export type LearnableStrategy = 'weighted-mean' | 'log-linear';

export interface ObjectiveValue {
  /** Mean negative log-likelihood of the gold class under the fused distribution (nats). */
  readonly loss: number;
  /** Fraction of examples whose fused argmax is the gold class. */
  readonly accuracy: number;
}

/**
 * Working memory for {@link fusedObjective}, sized for one set, so that an epoch allocates nothing.
 */
export interface ObjectiveScratch {
  readonly scores: Float64Array;
  readonly logNormaliser: Float64Array;
  readonly meanScaled: Float64Array;
  readonly logGold: Float64Array;
  readonly gradWeights: Float64Array;
  readonly gradLogTemperatures: Float64Array;
  /** Weights and temperatures decoded from learning parameters (see fusion-parameters.ts). */
  readonly weights: Float64Array;
  readonly temperatures: Float64Array;
}

export function createObjectiveScratch(set: LabelledSet): ObjectiveScratch {
  const k = set.models;
  return {
    scores: new Float64Array(set.classes),
    logNormaliser: new Float64Array(k),
    meanScaled: new Float64Array(k),
    logGold: new Float64Array(k),
    gradWeights: new Float64Array(k),
    gradLogTemperatures: new Float64Array(k),
    weights: new Float64Array(k),
    temperatures: new Float64Array(k),
  };
}

/**
 * Loss and accuracy of a fusion with the given weights and temperatures over some examples, as
 * the kernels compute it (weighted mean: weights normalised; log-linear: weights as given), and,
 * when `gradient` is true, the gradient of the loss with respect to the raw weights and to the
 * log-temperatures, left in `scratch.gradWeights` and `scratch.gradLogTemperatures`.
 *
 * With a_k = z_k / T_k, q_k = softmax(a_k), y the gold class:
 * - weighted mean: L = −log Σ_k w_k q_k(y) + log W. With responsibilities
 *   r_k = w_k q_k(y) / Σ_j w_j q_j(y): ∂L/∂w_k = −q_k(y) / Σ_j w_j q_j(y) + 1/W and
 *   ∂L/∂log T_k = r_k (a_k,y − E_{q_k}[a_k]).
 * - log-linear: s = Σ_k w_k log q_k, π = softmax(s), L = −log π(y). ∂L/∂w_k = E_π[log q_k] −
 *   log q_k(y) and ∂L/∂log T_k = w_k (a_k,y − E_π[a_k]) (the log-normalisers cancel because
 *   Σ_c (π_c − δ_cy) = 0).
 * test/fusion-learn-gradient.test.ts checks both against central finite differences.
 */
export function fusedObjective(
  set: LabelledSet,
  strategy: LearnableStrategy,
  weights: Float64Array,
  temperatures: Float64Array,
  examples: Int32Array,
  count: number,
  gradient: boolean,
  scratch: ObjectiveScratch,
): ObjectiveValue {
  const { models, classes, logits, labels } = set;
  const gw = scratch.gradWeights;
  const gt = scratch.gradLogTemperatures;
  gw.fill(0);
  gt.fill(0);
  let totalWeight = 0;
  for (let k = 0; k < models; k++) totalWeight += weights[k]!;
  let loss = 0;
  let correct = 0;
  for (let n = 0; n < count; n++) {
    const i = examples[n]!;
    const y = labels[i]!;
    const base = i * models * classes;
    normaliseModels(logits, base, models, classes, temperatures, y, scratch);
    const result =
      strategy === 'weighted-mean'
        ? weightedMeanExample(
            logits,
            base,
            set,
            y,
            weights,
            totalWeight,
            temperatures,
            gradient,
            scratch,
          )
        : logLinearExample(logits, base, set, y, weights, temperatures, gradient, scratch);
    loss += result;
    // Both example functions leave the fused scores of every class in `scratch.scores`.
    if (argmaxOf(scratch.scores, classes) === y) correct++;
  }
  if (gradient) {
    for (let k = 0; k < models; k++) {
      gw[k] = gw[k]! / count;
      gt[k] = gt[k]! / count;
    }
  }
  return { loss: loss / count, accuracy: correct / count };
}

/** Per model: log-normaliser of a_k = z_k / T_k, E_{q_k}[a_k], and log q_k(y). */
function normaliseModels(
  logits: Float32Array,
  base: number,
  models: number,
  classes: number,
  temperatures: Float64Array,
  y: number,
  scratch: ObjectiveScratch,
): void {
  for (let k = 0; k < models; k++) {
    const start = base + k * classes;
    const inverse = 1 / temperatures[k]!;
    let max = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < classes; c++) max = Math.max(max, logits[start + c]! * inverse);
    let sum = 0;
    let weighted = 0;
    for (let c = 0; c < classes; c++) {
      const a = logits[start + c]! * inverse;
      const e = Math.exp(a - max);
      sum += e;
      weighted += e * a;
    }
    scratch.logNormaliser[k] = max + Math.log(sum);
    scratch.meanScaled[k] = weighted / sum;
    scratch.logGold[k] = logits[start + y]! * inverse - scratch.logNormaliser[k]!;
  }
}

function weightedMeanExample(
  logits: Float32Array,
  base: number,
  set: LabelledSet,
  y: number,
  weights: Float64Array,
  totalWeight: number,
  temperatures: Float64Array,
  gradient: boolean,
  scratch: ObjectiveScratch,
): number {
  const { models, classes } = set;
  // log Σ_k w_k q_k(y), by log-sum-exp over the models.
  let top = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < models; k++) {
    if (weights[k]! > 0) top = Math.max(top, Math.log(weights[k]!) + scratch.logGold[k]!);
  }
  let sum = 0;
  for (let k = 0; k < models; k++) {
    if (weights[k]! > 0) sum += Math.exp(Math.log(weights[k]!) + scratch.logGold[k]! - top);
  }
  const logMixture = top + Math.log(sum);
  // The fused argmax: the class of highest Σ_k w_k q_k(c).
  const scores = scratch.scores;
  scores.fill(0);
  for (let k = 0; k < models; k++) {
    const w = weights[k]!;
    if (w === 0) continue;
    const start = base + k * classes;
    const inverse = 1 / temperatures[k]!;
    const logZ = scratch.logNormaliser[k]!;
    for (let c = 0; c < classes; c++)
      scores[c] = scores[c]! + w * Math.exp(logits[start + c]! * inverse - logZ);
  }
  if (gradient) {
    for (let k = 0; k < models; k++) {
      const w = weights[k]!;
      const responsibility = w === 0 ? 0 : Math.exp(Math.log(w) + scratch.logGold[k]! - logMixture);
      const aGold = logits[base + k * classes + y]! / temperatures[k]!;
      scratch.gradWeights[k] =
        scratch.gradWeights[k]! - Math.exp(scratch.logGold[k]! - logMixture) + 1 / totalWeight;
      scratch.gradLogTemperatures[k] =
        scratch.gradLogTemperatures[k]! + responsibility * (aGold - scratch.meanScaled[k]!);
    }
  }
  return -(logMixture - Math.log(totalWeight));
}

function logLinearExample(
  logits: Float32Array,
  base: number,
  set: LabelledSet,
  y: number,
  weights: Float64Array,
  temperatures: Float64Array,
  gradient: boolean,
  scratch: ObjectiveScratch,
): number {
  const { models, classes } = set;
  const s = scratch.scores;
  s.fill(0);
  for (let k = 0; k < models; k++) {
    const w = weights[k]!;
    if (w === 0) continue;
    const start = base + k * classes;
    const inverse = 1 / temperatures[k]!;
    const logZ = scratch.logNormaliser[k]!;
    for (let c = 0; c < classes; c++) s[c] = s[c]! + w * (logits[start + c]! * inverse - logZ);
  }
  const at = argmaxOf(s, classes);
  const top = s[at]!;
  let sum = 0;
  for (let c = 0; c < classes; c++) sum += Math.exp(s[c]! - top);
  const logPartition = top + Math.log(sum);
  if (gradient) {
    for (let k = 0; k < models; k++) {
      const start = base + k * classes;
      const inverse = 1 / temperatures[k]!;
      const logZ = scratch.logNormaliser[k]!;
      let expectedLogQ = 0;
      let expectedA = 0;
      for (let c = 0; c < classes; c++) {
        const pi = Math.exp(s[c]! - logPartition);
        const a = logits[start + c]! * inverse;
        expectedLogQ += pi * (a - logZ);
        expectedA += pi * a;
      }
      const aGold = logits[start + y]! * inverse;
      scratch.gradWeights[k] = scratch.gradWeights[k]! + expectedLogQ - (aGold - logZ);
      scratch.gradLogTemperatures[k] =
        scratch.gradLogTemperatures[k]! + weights[k]! * (aGold - expectedA);
    }
  }
  return -(s[y]! - logPartition);
}

function argmaxOf(values: Float64Array, n: number): number {
  let at = 0;
  for (let c = 1; c < n; c++) if (values[c]! > values[at]!) at = c;
  return at;
}
