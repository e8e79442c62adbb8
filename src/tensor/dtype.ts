/**
 * The element types a tensor can have: exactly those onnxruntime-node accepts, under the names
 * it uses (`Tensor.type`), with the typed array it expects for each and the ONNX
 * `TensorProto.DataType` number that model metadata and protobufs carry.
 *
 * float16 travels as its raw bits in a Uint16Array (Node 20 has no Float16Array, and that is what
 * onnxruntime-node takes); bool as one byte per element, 0 or 1, in a Uint8Array.
 */

export type DType =
  | 'float32'
  | 'float64'
  | 'float16'
  | 'int8'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'uint8'
  | 'uint16'
  | 'uint32'
  | 'uint64'
  | 'bool'
  | 'string';

/** Every dtype whose elements have a fixed size and a typed array. */
export type NumericDType = Exclude<DType, 'string'>;

/** The array that holds a tensor's elements, over a buffer of kind `B`. */
export interface DTypeArrayMap<B extends ArrayBufferLike = ArrayBufferLike> {
  float32: Float32Array<B>;
  float64: Float64Array<B>;
  float16: Uint16Array<B>;
  int8: Int8Array<B>;
  int16: Int16Array<B>;
  int32: Int32Array<B>;
  int64: BigInt64Array<B>;
  uint8: Uint8Array<B>;
  uint16: Uint16Array<B>;
  uint32: Uint32Array<B>;
  uint64: BigUint64Array<B>;
  bool: Uint8Array<B>;
  string: string[];
}

/** The array type of dtype `D`; `B` says whether it is shared (arena views) or private (copies). */
export type DTypeArray<
  D extends DType,
  B extends ArrayBufferLike = ArrayBufferLike,
> = DTypeArrayMap<B>[D];

/** Any typed array a numeric dtype uses. */
export type NumericArray<B extends ArrayBufferLike = ArrayBufferLike> =
  DTypeArrayMap<B>[NumericDType];

/** A constructor of one of the typed arrays above. */
export interface NumericArrayConstructor {
  readonly BYTES_PER_ELEMENT: number;
  readonly name: string;
  new (length: number): NumericArray<ArrayBuffer>;
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): NumericArray;
}

/** ONNX `TensorProto.DataType` numbers of the dtypes above. */
export const OnnxDataType = {
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  UINT16: 4,
  INT16: 5,
  INT32: 6,
  INT64: 7,
  STRING: 8,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
  UINT32: 12,
  UINT64: 13,
} as const;
export type OnnxDataType = (typeof OnnxDataType)[keyof typeof OnnxDataType];

export interface DTypeInfo<D extends DType = DType> {
  readonly name: D;
  /** Bytes per element; 0 for string, whose elements have no fixed size (see string-layout.ts). */
  readonly bytesPerElement: number;
  /** The typed array onnxruntime-node uses for it; undefined for string (a `string[]`). */
  readonly ArrayType: D extends NumericDType ? NumericArrayConstructor : undefined;
  readonly onnx: OnnxDataType;
}

function numeric<D extends NumericDType>(
  name: D,
  ArrayType: NumericArrayConstructor,
  onnx: OnnxDataType,
): DTypeInfo<D> {
  return Object.freeze({
    name,
    bytesPerElement: ArrayType.BYTES_PER_ELEMENT,
    ArrayType,
    onnx,
  }) as DTypeInfo<D>;
}

/** The dtype table. */
export const DTYPES: { readonly [D in DType]: DTypeInfo<D> } = Object.freeze({
  float32: numeric('float32', Float32Array, OnnxDataType.FLOAT),
  float64: numeric('float64', Float64Array, OnnxDataType.DOUBLE),
  float16: numeric('float16', Uint16Array, OnnxDataType.FLOAT16),
  int8: numeric('int8', Int8Array, OnnxDataType.INT8),
  int16: numeric('int16', Int16Array, OnnxDataType.INT16),
  int32: numeric('int32', Int32Array, OnnxDataType.INT32),
  int64: numeric('int64', BigInt64Array, OnnxDataType.INT64),
  uint8: numeric('uint8', Uint8Array, OnnxDataType.UINT8),
  uint16: numeric('uint16', Uint16Array, OnnxDataType.UINT16),
  uint32: numeric('uint32', Uint32Array, OnnxDataType.UINT32),
  uint64: numeric('uint64', BigUint64Array, OnnxDataType.UINT64),
  bool: numeric('bool', Uint8Array, OnnxDataType.BOOL),
  string: Object.freeze({
    name: 'string',
    bytesPerElement: 0,
    ArrayType: undefined,
    onnx: OnnxDataType.STRING,
  }) as DTypeInfo<'string'>,
});

export function isDType(x: unknown): x is DType {
  return typeof x === 'string' && Object.hasOwn(DTYPES, x);
}

export function isNumericDType(x: unknown): x is NumericDType {
  return x !== 'string' && isDType(x);
}

const byOnnx = new Map<number, DType>(
  (Object.keys(DTYPES) as DType[]).map((name) => [DTYPES[name].onnx, name]),
);

/** Names of the TensorProto types onnxruntime-node cannot exchange, for the error message. */
const unsupportedOnnx: Readonly<Record<number, string>> = {
  0: 'UNDEFINED',
  14: 'COMPLEX64',
  15: 'COMPLEX128',
  16: 'BFLOAT16',
  17: 'FLOAT8E4M3FN',
  18: 'FLOAT8E4M3FNUZ',
  19: 'FLOAT8E5M2',
  20: 'FLOAT8E5M2FNUZ',
  21: 'UINT4',
  22: 'INT4',
  23: 'FLOAT4E2M1',
};

/**
 * The dtype of an ONNX `TensorProto.DataType` number.
 * @throws RangeError for a number that is not one of the supported types.
 */
export function dtypeFromOnnx(n: number): DType {
  const dtype = byOnnx.get(n);
  if (dtype !== undefined) return dtype;
  const known = unsupportedOnnx[n];
  throw new RangeError(
    `ONNX data type ${n}${known ? ` (${known})` : ''} is not supported: expected one of ` +
      [...byOnnx].map(([k, v]) => `${k} (${v})`).join(', '),
  );
}
