import type { Dim } from '../onnx/graph-builder.js';
import type { OnnxDtype } from '../onnx/onnx-dtype.js';

/** The name, element type and shape of one model input or output; symbolic dims are names. */
export interface TensorSpec {
  readonly name: string;
  readonly dtype: OnnxDtype;
  readonly dims: readonly Dim[];
}

export type ModelKind = 'classifier' | 'next-token' | 'bigram' | 'refiner' | 'sized';

/** What a generated model computes, in the words its users need: its tensors and its knobs. */
export interface ModelDescription {
  readonly kind: ModelKind;
  /** A short, file-safe name such as `classifier-s3`. */
  readonly name: string;
  readonly seed: number;
  readonly inputs: readonly TensorSpec[];
  readonly outputs: readonly TensorSpec[];
  /** The builder's resolved options (defaults filled in), so the model can be rebuilt. */
  readonly params: Readonly<Record<string, number>>;
}

/** A serialized ONNX model and its description. */
export interface BuiltModel {
  readonly bytes: Uint8Array;
  readonly description: ModelDescription;
}
