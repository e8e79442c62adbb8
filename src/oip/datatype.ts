import type { DType } from '../tensor/dtype.js';

/**
 * The Open Inference Protocol's tensor datatypes and the runtime's dtypes they are. BYTES
 * elements are the runtime's strings (UTF-8 on the wire).
 */
export type OipDatatype =
  | 'BOOL'
  | 'UINT8'
  | 'UINT16'
  | 'UINT32'
  | 'UINT64'
  | 'INT8'
  | 'INT16'
  | 'INT32'
  | 'INT64'
  | 'FP16'
  | 'FP32'
  | 'FP64'
  | 'BYTES';

const toDType: Readonly<Record<OipDatatype, DType>> = {
  BOOL: 'bool',
  UINT8: 'uint8',
  UINT16: 'uint16',
  UINT32: 'uint32',
  UINT64: 'uint64',
  INT8: 'int8',
  INT16: 'int16',
  INT32: 'int32',
  INT64: 'int64',
  FP16: 'float16',
  FP32: 'float32',
  FP64: 'float64',
  BYTES: 'string',
};

const toDatatype = new Map<string, OipDatatype>(
  Object.entries(toDType).map(([datatype, dtype]) => [dtype, datatype as OipDatatype]),
);

export function isOipDatatype(x: unknown): x is OipDatatype {
  return typeof x === 'string' && Object.hasOwn(toDType, x);
}

export function dtypeOfDatatype(datatype: OipDatatype): DType {
  return toDType[datatype];
}

/** The protocol's name of a dtype; undefined for what the runtime reports as a non-tensor. */
export function datatypeOfDType(dtype: string | undefined): OipDatatype | undefined {
  return dtype === undefined ? undefined : toDatatype.get(dtype);
}

export const OIP_DATATYPES = Object.keys(toDType) as readonly OipDatatype[];
