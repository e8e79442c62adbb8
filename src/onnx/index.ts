export type {
  AttributeValue,
  Dim,
  GraphBuilderOptions,
  NodeOptions,
  TypedAttribute,
} from './graph-builder.js';
export { attr, GraphBuilder } from './graph-builder.js';
export type { ModelSummary } from './model-proto.js';
export { decodeModelProto, readModelInitializers, readModelSummary } from './model-proto.js';
export type { OnnxDtype, TensorData, TensorDataOf } from './onnx-dtype.js';
export {
  allocTensorData,
  dtypeOfTensorData,
  isOnnxDtype,
  ONNX_DTYPES,
  onnxDtypeByteSize,
  onnxDtypeCode,
  onnxDtypeFromCode,
  tensorDataMatches,
} from './onnx-dtype.js';
export type { OnnxTensor, OnnxTensorInit, TensorProtoEncodeOptions } from './tensor-proto.js';
export {
  decodeTensorProto,
  encodeTensorProto,
  tensorFromProto,
  tensorToProto,
} from './tensor-proto.js';
