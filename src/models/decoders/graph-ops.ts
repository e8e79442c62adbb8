import type { AttributeValue, GraphBuilder } from '../../onnx/graph-builder.js';

/**
 * Names values and nodes for one graph or subgraph while a transformer is laid out in it. Every
 * name carries the prefix, so the two branches of a merged model's `If` never declare the same
 * value (ONNX Runtime refuses a subgraph that redefines a name of the graph around it).
 */
export class GraphOps {
  readonly graph: GraphBuilder;
  readonly #prefix: string;
  #count = 0;

  constructor(graph: GraphBuilder, prefix: string) {
    this.graph = graph;
    this.#prefix = prefix;
  }

  /** Adds a node with one output and returns the output's name (`output` names it, if given). */
  add(
    opType: string,
    inputs: readonly string[],
    attributes: Readonly<Record<string, AttributeValue>> = {},
    output?: string,
  ): string {
    const id = this.#count++;
    const name = output ?? `${this.#prefix}${opType.toLowerCase()}_${id}`;
    this.graph.node(opType, inputs, [name], attributes, { name: `${this.#prefix}${opType}_${id}` });
    return name;
  }

  /** An int64 constant, for shapes, axes and range bounds. */
  int64(values: readonly number[], dims: readonly number[] = [values.length]): string {
    const name = `${this.#prefix}const_${this.#count++}`;
    this.graph.initializer(name, BigInt64Array.from(values, BigInt), dims);
    return name;
  }

  /** A float32 scalar constant. */
  float(value: number): string {
    const name = `${this.#prefix}const_${this.#count++}`;
    this.graph.initializer(name, Float32Array.of(value), []);
    return name;
  }
}
