/**
 * The ONNX element types this package reads and writes: the runtime's own dtype table
 * (`src/tensor/dtype.ts`) seen from the protobuf side, with the containers ONNX files fill.
 */
import { DTYPES, type DType, type NumericArrayConstructor } from '../tensor/dtype.js';

export type OnnxDtype = DType;

/**
 * The values of a tensor, flat, in row-major order. float16 travels as its raw bit patterns in a
 * `Uint16Array` (Node 20 has no `Float16Array`), bool as 0/1 in a `Uint8Array`.
 */
export type TensorData =
  | Float32Array
  | Float64Array
  | Int8Array
  | Int16Array
  | Int32Array
  | BigInt64Array
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | BigUint64Array
  | string[];

/** Maps each dtype to the JavaScript container of its values. */
export interface TensorDataOf {
  float32: Float32Array;
  float64: Float64Array;
  float16: Uint16Array;
  int8: Int8Array;
  int16: Int16Array;
  int32: Int32Array;
  int64: BigInt64Array;
  uint8: Uint8Array;
  uint16: Uint16Array;
  uint32: Uint32Array;
  uint64: BigUint64Array;
  bool: Uint8Array;
  string: string[];
}

type NumericDtype = Exclude<OnnxDtype, 'string'>;

interface NumericEntry {
  readonly code: number;
  readonly array: NumericArrayConstructor;
}

const numeric = Object.fromEntries(
  Object.values(DTYPES)
    .filter((info) => info.name !== 'string')
    .map((info) => [
      info.name,
      { code: info.onnx, array: info.ArrayType as NumericArrayConstructor },
    ]),
) as Readonly<Record<NumericDtype, NumericEntry>>;

const STRING_CODE = DTYPES.string.onnx;

const byCode = new Map<number, OnnxDtype>([
  ...Object.entries(numeric).map(([name, entry]) => [entry.code, name as OnnxDtype] as const),
  [STRING_CODE, 'string'],
]);

/** Every dtype name, in ONNX number order. */
export const ONNX_DTYPES: readonly OnnxDtype[] = [...byCode.entries()]
  .sort(([a], [b]) => a - b)
  .map(([, name]) => name);

export function isOnnxDtype(value: unknown): value is OnnxDtype {
  return typeof value === 'string' && (value === 'string' || value in numeric);
}

/** The `TensorProto.DataType` number of a dtype. */
export function onnxDtypeCode(dtype: OnnxDtype): number {
  if (dtype === 'string') return STRING_CODE;
  const entry = numeric[dtype];
  if (entry === undefined) throw new TypeError(`unknown dtype "${String(dtype)}"`);
  return entry.code;
}

/** The dtype of a `TensorProto.DataType` number; throws for types the runtime does not carry. */
export function onnxDtypeFromCode(code: number): OnnxDtype {
  const dtype = byCode.get(code);
  if (dtype === undefined) {
    throw new TypeError(
      `ONNX data type ${code} is not supported (expected one of ${[...byCode.keys()].join(', ')})`,
    );
  }
  return dtype;
}

/** Bytes per element; strings have no fixed size. */
export function onnxDtypeByteSize(dtype: NumericDtype): number {
  return numeric[dtype].array.BYTES_PER_ELEMENT;
}

/** A zero-filled container for `length` elements of `dtype`. */
export function allocTensorData<D extends OnnxDtype>(dtype: D, length: number): TensorDataOf[D] {
  if (dtype === 'string') return new Array<string>(length).fill('') as TensorDataOf[D];
  const entry = numeric[dtype as NumericDtype];
  if (entry === undefined) throw new TypeError(`unknown dtype "${String(dtype)}"`);
  return new entry.array(length) as TensorDataOf[D];
}

/**
 * The dtype a container most plainly holds. `Uint8Array` reads as uint8 and `Uint16Array` as
 * uint16: bool and float16 share those containers and must be named explicitly.
 */
export function dtypeOfTensorData(data: TensorData): OnnxDtype {
  if (Array.isArray(data)) return 'string';
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof BigInt64Array) return 'int64';
  if (data instanceof BigUint64Array) return 'uint64';
  if (data instanceof Int32Array) return 'int32';
  if (data instanceof Int16Array) return 'int16';
  if (data instanceof Int8Array) return 'int8';
  if (data instanceof Uint32Array) return 'uint32';
  if (data instanceof Uint16Array) return 'uint16';
  if (data instanceof Uint8Array) return 'uint8';
  throw new TypeError(`tensor data must be a typed array or string[], got ${describe(data)}`);
}

/** True when `data` is the container `dtype` uses (bool takes Uint8Array, float16 Uint16Array). */
export function tensorDataMatches(dtype: OnnxDtype, data: TensorData): boolean {
  if (dtype === 'string') return Array.isArray(data) && data.every((s) => typeof s === 'string');
  const entry = numeric[dtype];
  return entry !== undefined && data instanceof entry.array;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return value.constructor?.name ?? 'object';
  return typeof value;
}
