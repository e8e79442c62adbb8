import { graphFor } from './graph-for.js';
import type { BuiltModel, ModelDescription } from './model-description.js';
import { requireInteger, requireOptions } from './model-options.js';
import {
  addRefinementStep,
  type RefinerOptions,
  refinerParams,
  refinerWeights,
} from './refiner.js';

export interface ProposerOptions extends RefinerOptions {
  /** How many outputs of the previous layer it reads: inputs `previous_0` … `previous_{k-1}`. */
  readonly previous: number;
}

/**
 * A proposer (or aggregator) for a mixture-of-agents plan: like a refiner, but it reads the source
 * and all k outputs of the layer before, and refines their mean:
 *
 *     previous   = (previous_0 + … + previous_{k-1}) / k
 *     refined    = previous + alpha · tanh(target(source) − previous)
 *     confidence = sigmoid(k − c · ‖correction‖₂)
 */
export function proposer(options: ProposerOptions): BuiltModel {
  options = requireOptions(options);
  const p = refinerParams(options);
  const k = requireInteger('previous', options.previous, 1);
  const w = refinerWeights(p);
  const previous = Array.from({ length: k }, (_, j) => `previous_${j}`);
  const description: ModelDescription = {
    kind: 'refiner',
    name: `proposer-s${p.seed}-k${k}`,
    seed: p.seed,
    inputs: [
      { name: 'source', dtype: 'float32', dims: ['batch', p.size] },
      ...previous.map((name) => ({ name, dtype: 'float32' as const, dims: ['batch', p.size] })),
    ],
    outputs: [
      { name: 'refined', dtype: 'float32', dims: ['batch', p.size] },
      { name: 'confidence', dtype: 'float32', dims: ['batch', 1] },
    ],
    params: { ...p, previous: k },
  };
  const graph = graphFor(description);
  graph
    .initializer('inverse.k', new Float32Array([1 / k]), [])
    .node('Sum', previous, ['previous.sum'])
    .node('Mul', ['previous.sum', 'inverse.k'], ['previous']);
  addRefinementStep(graph, w);
  return { bytes: graph.toBytes(), description };
}
