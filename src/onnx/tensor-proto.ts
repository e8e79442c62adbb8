import type { onnx as OnnxTypes } from 'onnx-proto';
import {
  allocTensorData,
  dtypeOfTensorData,
  type OnnxDtype,
  onnxDtypeByteSize,
  onnxDtypeCode,
  onnxDtypeFromCode,
  type TensorData,
  type TensorDataOf,
  tensorDataMatches,
} from './onnx-dtype.js';
import { onnx } from './proto.js';

/** A tensor as ONNX files carry it: a name, an element type, a shape and flat values. */
export type OnnxTensor = {
  [D in OnnxDtype]: {
    readonly name: string;
    readonly dtype: D;
    readonly dims: readonly number[];
    readonly data: TensorDataOf[D];
  };
}[OnnxDtype];

/** What {@link encodeTensorProto} takes: the dtype may be left to the container's kind. */
export interface OnnxTensorInit {
  readonly name?: string;
  /** Needed for bool (Uint8Array) and float16 (Uint16Array); otherwise read from `data`. */
  readonly dtype?: OnnxDtype;
  readonly dims: readonly number[];
  readonly data: TensorData;
}

export interface TensorProtoEncodeOptions {
  /**
   * `raw` (the default) writes numeric values little-endian into `raw_data`, as exporters do;
   * `typed` writes them into the `*_data` field ONNX assigns to the dtype. Strings always go
   * into `string_data`, which is the only place ONNX allows them.
   */
  readonly layout?: 'raw' | 'typed';
}

/** The protobufjs shape of a 64-bit integer when the `long` package is present. */
interface LongLike {
  readonly low: number;
  readonly high: number;
}

const EXTERNAL_DATA_LOCATION = 1;
const utf8Decoder = new TextDecoder('utf-8', { fatal: false });
const utf8Encoder = new TextEncoder();

/** Decodes a serialized `onnx.TensorProto`, such as a conformance case's `input_0.pb`. */
export function decodeTensorProto(bytes: Uint8Array): OnnxTensor {
  let proto: OnnxTypes.TensorProto;
  try {
    proto = onnx.TensorProto.decode(bytes);
  } catch (error) {
    throw new TypeError(
      `bytes are not a serialized onnx.TensorProto (${(error as Error).message})`,
      { cause: error },
    );
  }
  return tensorFromProto(proto);
}

/** Reads the values of a decoded (or initializer) `TensorProto` into a typed array. */
export function tensorFromProto(proto: OnnxTypes.ITensorProto): OnnxTensor {
  const name = proto.name ?? '';
  const label = name === '' ? 'tensor' : `tensor "${name}"`;
  if (proto.dataLocation === EXTERNAL_DATA_LOCATION) {
    throw new TypeError(`${label} keeps its data in an external file, which is not supported`);
  }
  if (proto.segment !== null && proto.segment !== undefined) {
    throw new TypeError(`${label} is one segment of a larger tensor, which is not supported`);
  }
  const dtype = onnxDtypeFromCode(proto.dataType ?? 0);
  const dims = (proto.dims ?? []).map((d, axis) => {
    const n = toSafeNumber(d);
    if (n < 0) throw new RangeError(`${label} has a negative dimension ${n} on axis ${axis}`);
    return n;
  });
  const length = dims.reduce((a, b) => a * b, 1);
  const data = readValues(proto, dtype, length, label);
  return { name, dtype, dims, data } as OnnxTensor;
}

/** Serializes a tensor as an `onnx.TensorProto`. */
export function encodeTensorProto(
  tensor: OnnxTensorInit,
  options: TensorProtoEncodeOptions = {},
): Uint8Array {
  const bytes = onnx.TensorProto.encode(tensorToProto(tensor, options)).finish();
  // protobufjs hands back a Buffer that may share a pooled allocation; give the caller its own.
  return new Uint8Array(bytes);
}

/** Builds the protobufjs message for a tensor, e.g. for a graph initializer. */
export function tensorToProto(
  tensor: OnnxTensorInit,
  options: TensorProtoEncodeOptions = {},
): OnnxTypes.ITensorProto {
  const dtype = tensor.dtype ?? dtypeOfTensorData(tensor.data);
  const label = tensor.name ? `tensor "${tensor.name}"` : 'tensor';
  if (!tensorDataMatches(dtype, tensor.data)) {
    throw new TypeError(
      `${label} is declared ${dtype} but its data is a ${containerName(tensor.data)}`,
    );
  }
  tensor.dims.forEach((d, axis) => {
    if (!Number.isSafeInteger(d) || d < 0) {
      throw new RangeError(`${label} dimension ${axis} must be a non-negative integer, got ${d}`);
    }
  });
  const length = tensor.dims.reduce((a, b) => a * b, 1);
  if (tensor.data.length !== length) {
    throw new RangeError(
      `${label} has dims [${tensor.dims.join(', ')}] (${length} elements) ` +
        `but ${tensor.data.length} values`,
    );
  }
  const proto: OnnxTypes.ITensorProto = {
    dims: [...tensor.dims],
    dataType: onnxDtypeCode(dtype),
  };
  if (tensor.name !== undefined) proto.name = tensor.name;
  const data = tensor.data;
  if (Array.isArray(data)) {
    proto.stringData = data.map((s) => utf8Encoder.encode(s));
  } else if ((options.layout ?? 'raw') === 'raw') {
    proto.rawData = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  } else {
    writeTypedValues(proto, dtype, data);
  }
  return proto;
}

function readValues(
  proto: OnnxTypes.ITensorProto,
  dtype: OnnxDtype,
  length: number,
  label: string,
): TensorData {
  if (dtype === 'string') {
    const strings = (proto.stringData ?? []).map((bytes) => utf8Decoder.decode(bytes));
    return checkLength(strings, length, label, 'string_data');
  }
  const raw = proto.rawData;
  if (raw !== null && raw !== undefined && raw.length > 0) {
    const expected = length * onnxDtypeByteSize(dtype);
    if (raw.length !== expected) {
      throw new RangeError(
        `${label} (${dtype}, ${length} elements) needs ${expected} bytes of raw_data, ` +
          `has ${raw.length}`,
      );
    }
    // Copying aligns the bytes for the typed array view (the decoder's slice may sit at any
    // offset). raw_data is little-endian, as is every platform Node runs on.
    const target = allocTensorData(dtype, length);
    new Uint8Array(target.buffer).set(raw);
    return target;
  }
  switch (dtype) {
    case 'float32':
      return checkLength(Float32Array.from(proto.floatData ?? []), length, label, 'float_data');
    case 'float64':
      return checkLength(Float64Array.from(proto.doubleData ?? []), length, label, 'double_data');
    case 'int64':
      return checkLength(
        BigInt64Array.from(proto.int64Data ?? [], (v) => toBigInt(v, true)),
        length,
        label,
        'int64_data',
      );
    case 'uint32':
      return checkLength(
        Uint32Array.from(proto.uint64Data ?? [], (v) => Number(toBigInt(v, false))),
        length,
        label,
        'uint64_data',
      );
    case 'uint64':
      return checkLength(
        BigUint64Array.from(proto.uint64Data ?? [], (v) => toBigInt(v, false)),
        length,
        label,
        'uint64_data',
      );
    default: {
      // int32, int16, int8, uint16, uint8, bool and float16 (as bits) all live in int32_data.
      const target = allocTensorData(dtype, (proto.int32Data ?? []).length) as
        | Int32Array
        | Int16Array
        | Int8Array
        | Uint16Array
        | Uint8Array;
      target.set(proto.int32Data ?? []);
      return checkLength(target, length, label, 'int32_data');
    }
  }
}

function writeTypedValues(
  proto: OnnxTypes.ITensorProto,
  dtype: OnnxDtype,
  data: Exclude<TensorData, string[]>,
): void {
  switch (dtype) {
    case 'float32':
      proto.floatData = Array.from(data as Float32Array);
      return;
    case 'float64':
      proto.doubleData = Array.from(data as Float64Array);
      return;
    case 'int64':
      proto.int64Data = Array.from(
        data as BigInt64Array,
        toLongLike,
      ) as OnnxTypes.ITensorProto['int64Data'];
      return;
    case 'uint32':
      proto.uint64Data = Array.from(data as Uint32Array);
      return;
    case 'uint64':
      proto.uint64Data = Array.from(
        data as BigUint64Array,
        toLongLike,
      ) as OnnxTypes.ITensorProto['uint64Data'];
      return;
    default:
      proto.int32Data = Array.from(data as Int32Array);
  }
}

function checkLength<T extends { readonly length: number }>(
  values: T,
  length: number,
  label: string,
  field: string,
): T {
  if (values.length !== length) {
    throw new RangeError(
      `${label} has dims for ${length} elements but ${values.length} values in ${field}`,
    );
  }
  return values;
}

function toBigInt(value: number | LongLike, signed: boolean): bigint {
  if (typeof value === 'number') return BigInt(value);
  const bits = (BigInt(value.high >>> 0) << 32n) | BigInt(value.low >>> 0);
  return signed ? BigInt.asIntN(64, bits) : bits;
}

/** protobufjs writes any `{ low, high }` object as a 64-bit integer, without loss. */
function toLongLike(value: bigint): LongLike {
  const bits = BigInt.asUintN(64, value);
  return { low: Number(bits & 0xffff_ffffn) | 0, high: Number(bits >> 32n) | 0 };
}

function toSafeNumber(value: number | LongLike): number {
  const n = typeof value === 'number' ? value : Number(toBigInt(value, true));
  if (!Number.isSafeInteger(n))
    throw new RangeError(`dimension ${String(n)} is not a safe integer`);
  return n;
}

function containerName(data: TensorData): string {
  return Array.isArray(data) ? 'string[]' : data.constructor.name;
}
