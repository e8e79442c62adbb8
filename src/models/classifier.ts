import { deriveSeed, SeededRandom } from '../util/random.js';
import { addDenseLayer, type DenseLayer, randomDenseLayer } from './dense-layer.js';
import { graphFor } from './graph-for.js';
import type { BuiltModel, ModelDescription } from './model-description.js';
import { requireInteger, requireOptions, requireSeed } from './model-options.js';

export interface ClassifierOptions {
  readonly seed: number;
  /** Features per example; 64 unless told. */
  readonly inputSize?: number;
  /** Width of each hidden layer; 128 unless told. */
  readonly hidden?: number;
  /** Number of classes (logits per example); 10 unless told. */
  readonly classes?: number;
  /** Hidden layers (MatMul, Add, Relu), before the linear readout to the classes; 2 unless told. */
  readonly layers?: number;
}

/** The options of a classifier with every default filled in. */
export type ClassifierParams = Required<ClassifierOptions>;

export function classifierParams(options: ClassifierOptions): ClassifierParams {
  options = requireOptions(options);
  return {
    seed: requireSeed(options.seed),
    inputSize: requireInteger('inputSize', options.inputSize ?? 64, 1),
    hidden: requireInteger('hidden', options.hidden ?? 128, 1),
    classes: requireInteger('classes', options.classes ?? 10, 1),
    layers: requireInteger('layers', options.layers ?? 2, 0),
  };
}

/**
 * The weights a classifier is built from, hidden layers first and the readout last. Exposed so
 * that tests and fusion experiments can compute the model's output without ONNX Runtime.
 */
export function classifierWeights(options: ClassifierOptions): readonly DenseLayer[] {
  options = requireOptions(options);
  const p = classifierParams(options);
  const random = new SeededRandom(deriveSeed(p.seed, 'classifier'));
  const layers: DenseLayer[] = [];
  let width = p.inputSize;
  for (let l = 0; l < p.layers; l++) {
    // √2 keeps the spread of ReLU activations steady from layer to layer (He initialisation).
    layers.push(randomDenseLayer(random, width, p.hidden, Math.SQRT2));
    width = p.hidden;
  }
  layers.push(randomDenseLayer(random, width, p.classes, 2));
  return layers;
}

/**
 * A multi-layer perceptron classifier: `features` float32 [batch, inputSize] → `logits` float32
 * [batch, classes]. K seeds give K different classifiers of one shape, for ensembles.
 */
export function classifier(options: ClassifierOptions): BuiltModel {
  options = requireOptions(options);
  const params = classifierParams(options);
  const description: ModelDescription = {
    kind: 'classifier',
    name: `classifier-s${params.seed}`,
    seed: params.seed,
    inputs: [{ name: 'features', dtype: 'float32', dims: ['batch', params.inputSize] }],
    outputs: [{ name: 'logits', dtype: 'float32', dims: ['batch', params.classes] }],
    params,
  };
  const graph = graphFor(description);
  const layers = classifierWeights(params);
  let current = 'features';
  layers.forEach((layer, index) => {
    const isReadout = index === layers.length - 1;
    const prefix = isReadout ? 'readout' : `hidden${index}`;
    if (isReadout) {
      addDenseLayer(graph, prefix, layer, current, 'logits');
    } else {
      addDenseLayer(graph, prefix, layer, current, `${prefix}.linear`);
      graph.node('Relu', [`${prefix}.linear`], [`${prefix}.out`], {}, { name: `${prefix}.Relu` });
      current = `${prefix}.out`;
    }
  });
  return { bytes: graph.toBytes(), description };
}
