import type { GraphBuilder } from '../../onnx/graph-builder.js';
import type { SeededRandom } from '../../util/random.js';

/** A linear map `x · weight + bias`, weight row-major [inputs, outputs]; named in the graph. */
export interface Linear {
  readonly weight: string;
  readonly bias: string;
}

export interface Norm {
  readonly scale: string;
  readonly bias: string;
}

export interface AttentionWeights {
  readonly query: Linear;
  readonly key: Linear;
  readonly value: Linear;
  readonly output: Linear;
}

/** One transformer block: pre-norm self-attention, optional cross-attention, pre-norm MLP. */
export interface BlockWeights {
  readonly selfNorm: Norm;
  readonly self: AttentionWeights;
  readonly crossNorm?: Norm;
  readonly cross?: AttentionWeights;
  readonly mlpNorm: Norm;
  readonly up: Linear;
  readonly down: Linear;
}

/**
 * Draws seeded weights and declares them as initializers of `graph`, returning their names.
 * Weights live in the outermost graph so that both branches of an `If` share one copy.
 */
export class WeightMaker {
  #graph: GraphBuilder | undefined;
  readonly #random: SeededRandom;

  /**
   * Without a graph the maker draws and drops: a file that needs only the later weights (the
   * decoder of an encoder–decoder pair) still draws the same numbers for them.
   */
  constructor(graph: GraphBuilder | undefined, random: SeededRandom) {
    this.#graph = graph;
    this.#random = random;
  }

  /** From now on, declare the weights drawn in `graph` (undefined: draw and drop them). */
  declareIn(graph: GraphBuilder | undefined): void {
    this.#graph = graph;
  }

  /** Weights of standard deviation gain/√inputs keep activations of the same spread layer to layer. */
  linear(
    name: string,
    inputs: number,
    outputs: number,
    gain = 1,
    biasShift?: Float32Array,
  ): Linear {
    const weight = this.#random.fillNormal(
      new Float32Array(inputs * outputs),
      gain / Math.sqrt(inputs),
    );
    const bias = this.#random.fillNormal(new Float32Array(outputs), 0.02);
    if (biasShift !== undefined) for (let i = 0; i < outputs; i++) bias[i]! += biasShift[i] ?? 0;
    this.#graph?.initializer(`${name}.weight`, weight, [inputs, outputs]);
    this.#graph?.initializer(`${name}.bias`, bias, [outputs]);
    return { weight: `${name}.weight`, bias: `${name}.bias` };
  }

  /** Scales near 1 and biases near 0, not exactly, so a norm that is skipped changes the output. */
  norm(name: string, width: number): Norm {
    const scale = this.#random.fillNormal(new Float32Array(width), 0.05, 1);
    const bias = this.#random.fillNormal(new Float32Array(width), 0.02);
    this.#graph?.initializer(`${name}.scale`, scale, [width]);
    this.#graph?.initializer(`${name}.bias`, bias, [width]);
    return { scale: `${name}.scale`, bias: `${name}.bias` };
  }

  table(name: string, rows: number, width: number, std: number): string {
    const table = this.#random.fillNormal(new Float32Array(rows * width), std);
    this.#graph?.initializer(name, table, [rows, width]);
    return name;
  }

  /**
   * `keyValue` false draws the key and value projections without declaring them: a decoder step
   * that reads the cross-attention cache never projects the encoder output again.
   */
  attention(name: string, width: number, keyValue = true): AttentionWeights {
    const query = this.linear(`${name}.q_proj`, width, width);
    const graph = this.#graph;
    if (!keyValue) this.#graph = undefined;
    const key = this.linear(`${name}.k_proj`, width, width);
    const value = this.linear(`${name}.v_proj`, width, width);
    this.#graph = graph;
    return { query, key, value, output: this.linear(`${name}.out_proj`, width, width) };
  }

  /** `cross` adds cross-attention; `'cached'` leaves its key and value projections out. */
  block(name: string, width: number, ffn: number, cross: boolean | 'cached'): BlockWeights {
    const self = { selfNorm: this.norm(`${name}.self_attn_layer_norm`, width) };
    const attention = this.attention(`${name}.self_attn`, width);
    const crossPart = cross
      ? {
          crossNorm: this.norm(`${name}.encoder_attn_layer_norm`, width),
          cross: this.attention(`${name}.encoder_attn`, width, cross !== 'cached'),
        }
      : {};
    return {
      ...self,
      self: attention,
      ...crossPart,
      mlpNorm: this.norm(`${name}.final_layer_norm`, width),
      up: this.linear(`${name}.fc1`, width, ffn),
      down: this.linear(`${name}.fc2`, ffn, width),
    };
  }
}
