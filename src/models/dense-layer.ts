import type { GraphBuilder } from '../onnx/graph-builder.js';
import type { SeededRandom } from '../util/random.js';

/** A fully connected layer: `y = x · weight + bias`, with `weight` row-major [inputs, outputs]. */
export interface DenseLayer {
  readonly inputs: number;
  readonly outputs: number;
  readonly weight: Float32Array;
  readonly bias: Float32Array;
}

/**
 * Draws a layer whose outputs have about `gain` times the spread of its inputs (weights of
 * standard deviation gain/√inputs), so stacks neither vanish nor explode. Biases are small.
 */
export function randomDenseLayer(
  random: SeededRandom,
  inputs: number,
  outputs: number,
  gain = 1,
): DenseLayer {
  const weight = random.fillNormal(new Float32Array(inputs * outputs), gain / Math.sqrt(inputs));
  const bias = random.fillNormal(new Float32Array(outputs), 0.01);
  return { inputs, outputs, weight, bias };
}

/**
 * Appends `MatMul` then `Add` for `layer` to the graph, reading `input` and writing `output`.
 * Initializers are named `<prefix>.weight` and `<prefix>.bias`.
 */
export function addDenseLayer(
  graph: GraphBuilder,
  prefix: string,
  layer: DenseLayer,
  input: string,
  output: string,
): void {
  graph
    .initializer(`${prefix}.weight`, layer.weight, [layer.inputs, layer.outputs])
    .initializer(`${prefix}.bias`, layer.bias, [layer.outputs])
    .node(
      'MatMul',
      [input, `${prefix}.weight`],
      [`${prefix}.matmul`],
      {},
      { name: `${prefix}.MatMul` },
    )
    .node('Add', [`${prefix}.matmul`, `${prefix}.bias`], [output], {}, { name: `${prefix}.Add` });
}
