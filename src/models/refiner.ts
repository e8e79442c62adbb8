import type { GraphBuilder } from '../onnx/graph-builder.js';
import { deriveSeed, SeededRandom } from '../util/random.js';
import { addDenseLayer, type DenseLayer, randomDenseLayer } from './dense-layer.js';
import { graphFor } from './graph-for.js';
import type { BuiltModel, ModelDescription } from './model-description.js';
import {
  requireFinite,
  requireInteger,
  requireOptions,
  requirePositive,
  requireSeed,
} from './model-options.js';

export interface RefinerOptions {
  readonly seed: number;
  /** Width of `source`, `previous` and `refined`; 64 unless told. */
  readonly size?: number;
  /** Width of the hidden layer that reads the source; 128 unless told. */
  readonly hidden?: number;
  /** Step size: the largest change one round makes to any element; 0.25 unless told. */
  readonly alpha?: number;
  /**
   * Seeds the task every refiner of a family solves (the target each one pulls towards); refiners
   * with the same task seed and different seeds agree up to `spread`. 0 unless told.
   */
  readonly taskSeed?: number;
  /** Relative size of this refiner's deviation from the family's target map; 0.1 unless told. */
  readonly spread?: number;
}

export type RefinerParams = Required<RefinerOptions>;

/** The weights of a refiner, so its output can be computed without ONNX Runtime. */
export interface RefinerWeights {
  /** source [size] → hidden, followed by Tanh. */
  readonly encoder: DenseLayer;
  /** hidden → the target [size] this refiner pulls `previous` towards. */
  readonly target: DenseLayer;
  readonly alpha: number;
  /** confidence = sigmoid(confidenceBias + confidenceSlope · ‖correction‖₂). */
  readonly confidenceBias: number;
  readonly confidenceSlope: number;
}

/**
 * Confidence runs from sigmoid(-4) ≈ 0.02 when every element moves by the full step alpha to
 * sigmoid(4) ≈ 0.98 when nothing moves; a threshold of 0.9 passes once the root-mean-square
 * correction is below about a fifth of alpha.
 */
const CONFIDENCE_RANGE = 4;

/**
 * The spread of the target over sources of unit spread: small enough that `tanh(target − previous)`
 * is nearly linear once `previous` is close, so the last rounds converge geometrically.
 */
const TARGET_SCALE = 0.5;

export function refinerParams(options: RefinerOptions): RefinerParams {
  options = requireOptions(options);
  return {
    seed: requireSeed(options.seed),
    size: requireInteger('size', options.size ?? 64, 1),
    hidden: requireInteger('hidden', options.hidden ?? 128, 1),
    alpha: requirePositive('alpha', options.alpha ?? 0.25),
    taskSeed: requireSeed(options.taskSeed ?? 0),
    spread: requireFinite('spread', options.spread ?? 0.1, 0),
  };
}

export function refinerWeights(options: RefinerOptions): RefinerWeights {
  options = requireOptions(options);
  const p = refinerParams(options);
  const task = new SeededRandom(deriveSeed(p.taskSeed, 'refiner-task'));
  const own = new SeededRandom(deriveSeed(p.seed, 'refiner'));
  const encoder = perturb(randomDenseLayer(task, p.size, p.hidden), own, p.spread);
  // tanh of unit-spread inputs has a spread of about 0.63; scale the readout to TARGET_SCALE.
  const target = perturb(
    randomDenseLayer(task, p.hidden, p.size, TARGET_SCALE / 0.63),
    own,
    p.spread,
  );
  return {
    encoder,
    target,
    alpha: p.alpha,
    confidenceBias: CONFIDENCE_RANGE,
    confidenceSlope: (-2 * CONFIDENCE_RANGE) / (p.alpha * Math.sqrt(p.size)),
  };
}

/**
 * One round of a refinement cascade: inputs `source` and `previous`, float32 [batch, size];
 * outputs `refined` float32 [batch, size] and `confidence` float32 [batch, 1].
 *
 *     target     = W₂ · tanh(W₁ · source + b₁) + b₂
 *     correction = alpha · tanh(target − previous)
 *     refined    = previous + correction
 *     confidence = sigmoid(k − c · ‖correction‖₂)
 *
 * Run again on its own output, `refined` moves geometrically towards `target` and `confidence`
 * rises as the correction shrinks, so a cascade can stop at a confidence threshold. Refiners of
 * one task seed pull towards nearby targets, so a cascade of different refiners settles too.
 */
export function refiner(options: RefinerOptions): BuiltModel {
  options = requireOptions(options);
  const p = refinerParams(options);
  const w = refinerWeights(p);
  const description: ModelDescription = {
    kind: 'refiner',
    name: `refiner-s${p.seed}`,
    seed: p.seed,
    inputs: [
      { name: 'source', dtype: 'float32', dims: ['batch', p.size] },
      { name: 'previous', dtype: 'float32', dims: ['batch', p.size] },
    ],
    outputs: [
      { name: 'refined', dtype: 'float32', dims: ['batch', p.size] },
      { name: 'confidence', dtype: 'float32', dims: ['batch', 1] },
    ],
    params: p,
  };
  const graph = graphFor(description);
  addRefinementStep(graph, w);
  return { bytes: graph.toBytes(), description };
}

/**
 * Appends one refinement step to a graph that has `source` and `previous` [batch, size]: the
 * target from the source, the squashed correction of `previous` towards it, and the confidence.
 * Writes `refined` and `confidence`. Proposers share it, reading the mean of several previous.
 */
export function addRefinementStep(graph: GraphBuilder, w: RefinerWeights): void {
  addDenseLayer(graph, 'encoder', w.encoder, 'source', 'encoder.linear');
  graph.node('Tanh', ['encoder.linear'], ['encoder.out']);
  addDenseLayer(graph, 'target', w.target, 'encoder.out', 'target');
  graph
    .initializer('alpha', new Float32Array([w.alpha]), [])
    .initializer('confidence.slope', new Float32Array([w.confidenceSlope]), [])
    .initializer('confidence.bias', new Float32Array([w.confidenceBias]), [])
    .node('Sub', ['target', 'previous'], ['gap'])
    .node('Tanh', ['gap'], ['gap.squashed'])
    .node('Mul', ['gap.squashed', 'alpha'], ['correction'])
    .node('Add', ['previous', 'correction'], ['refined'])
    .node('ReduceL2', ['correction'], ['correction.norm'], { axes: [1], keepdims: 1 })
    .node('Mul', ['correction.norm', 'confidence.slope'], ['confidence.scaled'])
    .node('Add', ['confidence.scaled', 'confidence.bias'], ['confidence.logit'])
    .node('Sigmoid', ['confidence.logit'], ['confidence']);
}

/** The family's layer with this refiner's own relative deviation, drawn from `random`. */
function perturb(layer: DenseLayer, random: SeededRandom, spread: number): DenseLayer {
  if (spread === 0) return layer;
  const weight = layer.weight.map((v) => v * (1 + random.normal(0, spread)));
  const bias = layer.bias.map((v) => v * (1 + random.normal(0, spread)));
  return { ...layer, weight, bias };
}
