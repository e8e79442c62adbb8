import { DTYPES, type HostTensor, isDType } from '../tensor/index.js';

/** A tensor as a line of JSON carries it: `{ "dtype": "float32", "dims": [1, 4], "data": [...] }`. */
export interface TensorJson {
  readonly dtype: string;
  readonly dims: readonly number[];
  readonly data: readonly (number | string | boolean)[];
}

/** The numbers of `data`, refusing anything that is not one: `Number("abc")` would be NaN. */
function numbersOf(data: readonly unknown[], dtype: string): number[] {
  return data.map((value, i) => {
    if (typeof value === 'number') return value;
    if (dtype === 'bool' && typeof value === 'boolean') return value ? 1 : 0;
    throw new TypeError(
      `data[${i}] is ${JSON.stringify(value)}, expected a ${dtype === 'bool' ? 'boolean or 0/1' : 'number'}`,
    );
  });
}

/**
 * Reads a tensor from JSON. int64/uint64 values arrive as JSON numbers (exact up to 2^53), bools
 * as true/false or 0/1. Errors say what was wrong; the caller names the file, line and tensor.
 */
export function tensorFromJson(value: unknown): HostTensor {
  if (typeof value !== 'object' || value === null)
    throw new TypeError(`expected an object { dtype, dims, data }, got ${JSON.stringify(value)}`);
  const { dtype, dims, data } = value as Partial<TensorJson>;
  if (!isDType(dtype))
    throw new TypeError(
      `unknown dtype ${JSON.stringify(dtype)}; expected one of ${Object.keys(DTYPES).join(', ')}`,
    );
  if (!Array.isArray(dims) || !dims.every((d) => Number.isInteger(d) && d >= 0))
    throw new TypeError(
      `dims must be an array of non-negative integers, got ${JSON.stringify(dims)}`,
    );
  if (!Array.isArray(data)) throw new TypeError('data must be an array');
  const count = dims.reduce((a, b) => a * b, 1);
  if (data.length !== count)
    throw new RangeError(
      `dims [${dims.join(', ')}] hold ${count} elements, data has ${data.length}`,
    );
  if (dtype === 'string') return { dtype, dims, data: data.map(String) };
  const numbers = numbersOf(data, dtype);
  const Type = DTYPES[dtype].ArrayType;
  if (dtype === 'int64' || dtype === 'uint64') {
    const bad = numbers.findIndex((v) => !Number.isSafeInteger(v));
    if (bad >= 0)
      throw new TypeError(`data[${bad}] is ${numbers[bad]}, expected a whole number for ${dtype}`);
    return {
      dtype,
      dims,
      data: new (Type as BigInt64ArrayConstructor)(numbers.map((v) => BigInt(v))),
    } as HostTensor;
  }
  return {
    dtype,
    dims,
    data: new (Type as Float32ArrayConstructor)(numbers),
  } as HostTensor;
}

export function tensorToJson(tensor: HostTensor): TensorJson {
  const data = Array.from(tensor.data as ArrayLike<number | bigint | string>, (v) =>
    typeof v === 'bigint' ? Number(v) : v,
  );
  return { dtype: tensor.dtype, dims: [...tensor.dims], data };
}
