import type { onnx as OnnxTypes } from 'onnx-proto';
import { onnx } from './proto.js';
import { type OnnxTensor, tensorFromProto } from './tensor-proto.js';

/** What {@link readModelSummary} reports of a serialized model, without running it. */
export interface ModelSummary {
  readonly irVersion: number;
  readonly producerName: string;
  /** Opset version per domain; the default ONNX domain is `''`. */
  readonly opsets: ReadonlyMap<string, number>;
  readonly graphName: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly nodeCount: number;
  readonly metadata: ReadonlyMap<string, string>;
}

/** Decodes a serialized `onnx.ModelProto`; a TypeError names what went wrong. */
export function decodeModelProto(bytes: Uint8Array): OnnxTypes.ModelProto {
  try {
    return onnx.ModelProto.decode(bytes);
  } catch (error) {
    throw new TypeError(
      `bytes are not a serialized onnx.ModelProto (${(error as Error).message})`,
      { cause: error },
    );
  }
}

/** The weights of a model by name, as typed arrays. */
export function readModelInitializers(bytes: Uint8Array): Map<string, OnnxTensor> {
  const model = decodeModelProto(bytes);
  const tensors = new Map<string, OnnxTensor>();
  for (const proto of model.graph?.initializer ?? []) {
    const tensor = tensorFromProto(proto);
    tensors.set(tensor.name, tensor);
  }
  return tensors;
}

export function readModelSummary(bytes: Uint8Array): ModelSummary {
  const model = decodeModelProto(bytes);
  const graph = model.graph;
  const initializers = new Set((graph?.initializer ?? []).map((t) => t.name));
  return {
    irVersion: Number(model.irVersion),
    producerName: model.producerName,
    opsets: new Map(model.opsetImport.map((o) => [o.domain ?? '', Number(o.version)])),
    graphName: graph?.name ?? '',
    // Old IR versions list initializers among the inputs; they are not feeds.
    inputs: (graph?.input ?? []).map((v) => v.name ?? '').filter((n) => !initializers.has(n)),
    outputs: (graph?.output ?? []).map((v) => v.name ?? ''),
    nodeCount: graph?.node?.length ?? 0,
    metadata: new Map(model.metadataProps.map((p) => [p.key ?? '', p.value ?? ''])),
  };
}
