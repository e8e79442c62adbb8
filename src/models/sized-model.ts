import { deriveSeed, SeededRandom } from '../util/random.js';
import { type DenseLayer, randomDenseLayer } from './dense-layer.js';
import { graphFor } from './graph-for.js';
import type { BuiltModel, ModelDescription } from './model-description.js';
import { outOfRange, requireInteger, requireOptions, requireSeed } from './model-options.js';

export interface ModelSize {
  readonly width: number;
  readonly layers: number;
  /**
   * How many different weight matrices the layers cycle through; `layers` unless told. Fewer
   * keeps a deep model's file small and its weights in cache, so its cost is arithmetic, not
   * memory traffic.
   */
  readonly distinctWeights?: number;
}

export interface SizedModelOptions extends ModelSize {
  readonly seed: number;
}

/**
 * Shapes of {@link sizedModel} whose `session.run` at batch 1, one intra-op thread, took about
 * 0.05 ms (tiny), 1 ms (small) and 5 ms (medium) on the 2-core machine the runtime was measured
 * on (onnxruntime-node 1.30, AMD EPYC, 2 MiB L2 per core). Other machines shift the times.
 */
export const MODEL_SIZES = {
  tiny: { width: 512, layers: 2, distinctWeights: 2 },
  small: { width: 768, layers: 32, distinctWeights: 1 },
  medium: { width: 1024, layers: 64, distinctWeights: 2 },
} as const satisfies Readonly<Record<string, ModelSize>>;

export type ModelSizeName = keyof typeof MODEL_SIZES;

/**
 * A square multi-layer perceptron for benchmarks: `input` float32 [batch, width] → `output`
 * float32 [batch, width], `layers` × (MatMul, Add, Tanh). Tanh, not Relu, so that activations
 * neither overflow nor sink into denormals however deep the stack (denormals would make the
 * timing depend on the data). Cost grows as width² × layers.
 */
export function sizedModel(options: SizedModelOptions): BuiltModel {
  options = requireOptions(options);
  const seed = requireSeed(options.seed);
  const width = requireInteger('width', options.width, 1);
  const layers = requireInteger('layers', options.layers, 1);
  const distinctWeights = requireInteger('distinctWeights', options.distinctWeights ?? layers, 1);
  if (distinctWeights > layers) {
    outOfRange(
      'distinctWeights',
      `distinctWeights must be at most layers (${layers}), got ${distinctWeights}`,
    );
  }
  const description: ModelDescription = {
    kind: 'sized',
    name: `sized-w${width}-l${layers}-d${distinctWeights}-s${seed}`,
    seed,
    inputs: [{ name: 'input', dtype: 'float32', dims: ['batch', width] }],
    outputs: [{ name: 'output', dtype: 'float32', dims: ['batch', width] }],
    params: { seed, width, layers, distinctWeights },
  };
  const random = new SeededRandom(deriveSeed(seed, 'sized'));
  const weights: DenseLayer[] = [];
  // A gain of 1.5 keeps tanh activations in their curved range (rms about 0.6) at any depth.
  for (let d = 0; d < distinctWeights; d++)
    weights.push(randomDenseLayer(random, width, width, 1.5));

  const graph = graphFor(description);
  weights.forEach((layer, d) => {
    graph
      .initializer(`weight${d}`, layer.weight, [width, width])
      .initializer(`bias${d}`, layer.bias, [width]);
  });
  let current = 'input';
  for (let l = 0; l < layers; l++) {
    const d = l % distinctWeights;
    const output = l === layers - 1 ? 'output' : `layer${l}.out`;
    graph
      .node(
        'MatMul',
        [current, `weight${d}`],
        [`layer${l}.matmul`],
        {},
        { name: `layer${l}.MatMul` },
      )
      .node(
        'Add',
        [`layer${l}.matmul`, `bias${d}`],
        [`layer${l}.linear`],
        {},
        { name: `layer${l}.Add` },
      )
      .node('Tanh', [`layer${l}.linear`], [output], {}, { name: `layer${l}.Tanh` });
    current = output;
  }
  return { bytes: graph.toBytes(), description };
}
