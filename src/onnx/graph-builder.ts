import type { onnx as OnnxTypes } from 'onnx-proto';
import { type OnnxDtype, onnxDtypeCode, type TensorData } from './onnx-dtype.js';
import { onnx } from './proto.js';
import { type OnnxTensorInit, tensorToProto } from './tensor-proto.js';

/** A dimension: a fixed size, or a symbolic name such as `'batch'` that binds at run time. */
export type Dim = number | string;

/**
 * The value of a node attribute. Plain numbers are INT when they are integers and FLOAT
 * otherwise, plain arrays INTS or FLOATS the same way (an empty array is INTS); use {@link attr}
 * where that guess is wrong (a float attribute whose value happens to be whole, such as
 * `alpha: attr.float(1)`).
 */
export type AttributeValue =
  | number
  | bigint
  | string
  | readonly number[]
  | readonly string[]
  | TypedAttribute;

export type TypedAttribute =
  | { readonly kind: 'int'; readonly value: number | bigint }
  | { readonly kind: 'float'; readonly value: number }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'ints'; readonly value: readonly (number | bigint)[] }
  | { readonly kind: 'floats'; readonly value: readonly number[] }
  | { readonly kind: 'strings'; readonly value: readonly string[] }
  | { readonly kind: 'tensor'; readonly value: OnnxTensorInit }
  | { readonly kind: 'graph'; readonly value: OnnxTypes.IGraphProto };

/** Attribute values with an explicit ONNX type. */
export const attr = {
  int: (value: number | bigint): TypedAttribute => ({ kind: 'int', value }),
  float: (value: number): TypedAttribute => ({ kind: 'float', value }),
  string: (value: string): TypedAttribute => ({ kind: 'string', value }),
  ints: (value: readonly (number | bigint)[]): TypedAttribute => ({ kind: 'ints', value }),
  floats: (value: readonly number[]): TypedAttribute => ({ kind: 'floats', value }),
  strings: (value: readonly string[]): TypedAttribute => ({ kind: 'strings', value }),
  tensor: (value: OnnxTensorInit): TypedAttribute => ({ kind: 'tensor', value }),
  /** A subgraph, such as the branches of an `If` (see {@link GraphBuilder.toGraph}). */
  graph: (value: OnnxTypes.IGraphProto): TypedAttribute => ({ kind: 'graph', value }),
} as const;

export interface GraphBuilderOptions {
  /** Opset of the default ONNX domain; 17 unless told. */
  readonly opset?: number;
  readonly irVersion?: number;
  readonly producerVersion?: string;
  readonly docString?: string;
}

export interface NodeOptions {
  /** Node name; generated from the op type and a counter when omitted. */
  readonly name?: string;
  readonly domain?: string;
}

const DEFAULT_OPSET = 17;
const DEFAULT_IR_VERSION = 8;
const PRODUCER = 'roundtable';

const AttributeType = onnx.AttributeProto.AttributeType;

/**
 * Builds an ONNX model one declaration at a time and serializes it as a `ModelProto`.
 *
 * The builder checks only what it can see cheaply (duplicate names, dims against data): the
 * full check of a graph is ONNX Runtime's, when it loads the bytes.
 */
export class GraphBuilder {
  readonly #name: string;
  readonly #options: GraphBuilderOptions;
  readonly #inputs: OnnxTypes.IValueInfoProto[] = [];
  readonly #outputs: OnnxTypes.IValueInfoProto[] = [];
  readonly #initializers: OnnxTypes.ITensorProto[] = [];
  readonly #nodes: OnnxTypes.INodeProto[] = [];
  /** Every value name declared so far (inputs, initializers, node outputs): no duplicates. */
  readonly #values = new Set<string>();
  readonly #nodeNames = new Set<string>();
  readonly #metadata = new Map<string, string>();

  constructor(name: string, options: GraphBuilderOptions = {}) {
    this.#name = name;
    this.#options = options;
  }

  /** Declares a graph input. */
  input(name: string, dtype: OnnxDtype, dims: readonly Dim[]): this {
    this.#declare(name, 'input');
    this.#inputs.push(valueInfo(name, dtype, dims));
    return this;
  }

  /** Declares a graph output; some node must produce `name`. */
  output(name: string, dtype: OnnxDtype, dims: readonly Dim[]): this {
    if (this.#outputs.some((o) => o.name === name)) {
      throw new Error(`graph "${this.#name}" already has an output named "${name}"`);
    }
    this.#outputs.push(valueInfo(name, dtype, dims));
    return this;
  }

  /**
   * Adds a constant tensor (a weight). The dtype is read from the container unless given:
   * bool and float16 must be named, since they share Uint8Array and Uint16Array.
   */
  initializer(name: string, data: TensorData, dims: readonly number[], dtype?: OnnxDtype): this {
    this.#declare(name, 'initializer');
    const init: OnnxTensorInit =
      dtype === undefined ? { name, dims, data } : { name, dims, data, dtype };
    this.#initializers.push(tensorToProto(init));
    return this;
  }

  /** Adds a node. Inputs may be `''` for an omitted optional input, as ONNX allows. */
  node(
    opType: string,
    inputs: readonly string[],
    outputs: readonly string[],
    attributes: Readonly<Record<string, AttributeValue>> = {},
    options: NodeOptions = {},
  ): this {
    const name = options.name ?? `${opType}_${this.#nodes.length}`;
    if (this.#nodeNames.has(name)) {
      throw new Error(`graph "${this.#name}" already has a node named "${name}"`);
    }
    for (const output of outputs) {
      // '' marks an optional output the node is not asked to produce.
      if (output !== '') this.#declare(output, `output of node "${name}"`);
    }
    this.#nodeNames.add(name);
    const node: OnnxTypes.INodeProto = {
      name,
      opType,
      input: [...inputs],
      output: [...outputs],
      attribute: Object.entries(attributes).map(([key, value]) => attribute(key, value)),
    };
    if (options.domain !== undefined) node.domain = options.domain;
    this.#nodes.push(node);
    return this;
  }

  /** Adds a `metadata_props` entry to the model (ONNX Runtime exposes them as custom metadata). */
  metadata(key: string, value: string): this {
    this.#metadata.set(key, value);
    return this;
  }

  /**
   * The graph alone, for a subgraph attribute (an `If` branch). A subgraph may read values of the
   * graph around it, weights included, by name; it declares only its outputs.
   */
  toGraph(): OnnxTypes.IGraphProto {
    return {
      name: this.#name,
      input: this.#inputs,
      output: this.#outputs,
      initializer: this.#initializers,
      node: this.#nodes,
    };
  }

  /** The model as a `ModelProto`: IR 8, opset 17 of the default domain, producer roundtable. */
  toBytes(): Uint8Array {
    const model: OnnxTypes.IModelProto = {
      irVersion: this.#options.irVersion ?? DEFAULT_IR_VERSION,
      producerName: PRODUCER,
      producerVersion: this.#options.producerVersion ?? '',
      opsetImport: [{ domain: '', version: this.#options.opset ?? DEFAULT_OPSET }],
      metadataProps: [...this.#metadata].map(([key, value]) => ({ key, value })),
      graph: {
        name: this.#name,
        input: this.#inputs,
        output: this.#outputs,
        initializer: this.#initializers,
        node: this.#nodes,
      },
    };
    if (this.#options.docString !== undefined) model.docString = this.#options.docString;
    return new Uint8Array(onnx.ModelProto.encode(model).finish());
  }

  #declare(name: string, role: string): void {
    if (name === '') throw new TypeError(`graph "${this.#name}": a ${role} needs a non-empty name`);
    if (this.#values.has(name)) {
      throw new Error(`graph "${this.#name}" already has a value named "${name}" (new ${role})`);
    }
    this.#values.add(name);
  }
}

function valueInfo(
  name: string,
  dtype: OnnxDtype,
  dims: readonly Dim[],
): OnnxTypes.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: onnxDtypeCode(dtype),
        shape: {
          dim: dims.map((d, axis) => {
            if (typeof d === 'string') return { dimParam: d };
            if (!Number.isSafeInteger(d) || d < 0) {
              throw new RangeError(
                `value "${name}" dimension ${axis} must be a name or an integer >= 0, got ${d}`,
              );
            }
            return { dimValue: d };
          }),
        },
      },
    },
  };
}

function attribute(name: string, value: AttributeValue): OnnxTypes.IAttributeProto {
  const typed = typeAttribute(name, value);
  switch (typed.kind) {
    case 'int':
      return { name, type: AttributeType.INT, i: toInt64(typed.value) };
    case 'float':
      return { name, type: AttributeType.FLOAT, f: typed.value };
    case 'string':
      return { name, type: AttributeType.STRING, s: new TextEncoder().encode(typed.value) };
    case 'ints':
      return { name, type: AttributeType.INTS, ints: typed.value.map(toInt64) };
    case 'floats':
      return { name, type: AttributeType.FLOATS, floats: [...typed.value] };
    case 'strings':
      return {
        name,
        type: AttributeType.STRINGS,
        strings: typed.value.map((s) => new TextEncoder().encode(s)),
      };
    case 'tensor':
      return { name, type: AttributeType.TENSOR, t: tensorToProto(typed.value) };
    case 'graph':
      return { name, type: AttributeType.GRAPH, g: typed.value };
  }
}

function typeAttribute(name: string, value: AttributeValue): TypedAttribute {
  if (typeof value === 'number') {
    return Number.isInteger(value) ? { kind: 'int', value } : { kind: 'float', value };
  }
  if (typeof value === 'bigint') return { kind: 'int', value };
  if (typeof value === 'string') return { kind: 'string', value };
  if (Array.isArray(value)) {
    // Numbers first, so that an empty list is INTS (axes, pads, perm), the common case.
    if (value.every((v) => typeof v === 'number')) {
      return value.every(Number.isInteger) ? { kind: 'ints', value } : { kind: 'floats', value };
    }
    if (value.every((v) => typeof v === 'string')) return { kind: 'strings', value };
    throw new TypeError(`attribute "${name}" mixes strings and numbers`);
  }
  if (typeof value === 'object' && value !== null && 'kind' in value)
    return value as TypedAttribute;
  throw new TypeError(`attribute "${name}" has an unsupported value ${String(value)}`);
}

/** protobufjs accepts `{ low, high }` for int64 fields; numbers beyond 2^53 would lose bits. */
function toInt64(value: number | bigint): number | OnnxTypes.IAttributeProto['i'] {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) {
      throw new RangeError(`an int attribute must be a safe integer, got ${value}`);
    }
    return value;
  }
  const bits = BigInt.asUintN(64, value);
  return {
    low: Number(bits & 0xffff_ffffn) | 0,
    high: Number(bits >> 32n) | 0,
    unsigned: false,
  } as OnnxTypes.IAttributeProto['i'];
}
