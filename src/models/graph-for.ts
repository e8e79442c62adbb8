import { GraphBuilder } from '../onnx/graph-builder.js';
import type { ModelDescription } from './model-description.js';

/**
 * A graph with the description's inputs and outputs declared and the description kept as model
 * metadata (`roundtable.kind`, `roundtable.seed`, `roundtable.params`), so a model file found on
 * disk says what it is without the manifest.
 */
export function graphFor(description: ModelDescription): GraphBuilder {
  const graph = new GraphBuilder(description.name, {
    docString: `roundtable ${description.kind} model, seed ${description.seed}`,
  });
  for (const spec of description.inputs) graph.input(spec.name, spec.dtype, spec.dims);
  for (const spec of description.outputs) graph.output(spec.name, spec.dtype, spec.dims);
  graph
    .metadata('roundtable.kind', description.kind)
    .metadata('roundtable.seed', String(description.seed))
    .metadata('roundtable.params', JSON.stringify(description.params));
  return graph;
}
