import onnxProto from 'onnx-proto';

/**
 * The generated protobufjs classes for the ONNX schema. `onnx-proto` is a CommonJS module whose
 * `module.exports` is `{ onnx }`, so under ESM it arrives as the default export.
 */
export const { onnx } = onnxProto;
