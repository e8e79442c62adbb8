import { expect, test } from 'vitest';
import { DTYPES, type DType, dtypeFromOnnx, isDType, isNumericDType } from '../src/tensor/index.js';

// The contract with onnxruntime-node and the ONNX spec, written out independently of the table.
const expected: [DType, number, unknown, number][] = [
  ['float32', 4, Float32Array, 1],
  ['uint8', 1, Uint8Array, 2],
  ['int8', 1, Int8Array, 3],
  ['uint16', 2, Uint16Array, 4],
  ['int16', 2, Int16Array, 5],
  ['int32', 4, Int32Array, 6],
  ['int64', 8, BigInt64Array, 7],
  ['string', 0, undefined, 8],
  ['bool', 1, Uint8Array, 9],
  ['float16', 2, Uint16Array, 10],
  ['float64', 8, Float64Array, 11],
  ['uint32', 4, Uint32Array, 12],
  ['uint64', 8, BigUint64Array, 13],
];

test('the dtype table gives element size, typed array and ONNX number of every dtype', () => {
  expect(Object.keys(DTYPES).sort()).toEqual(expected.map(([name]) => name).sort());
  for (const [name, bytes, ArrayType, onnx] of expected) {
    const info = DTYPES[name];
    expect(info).toEqual({ name, bytesPerElement: bytes, ArrayType, onnx });
    expect(dtypeFromOnnx(onnx)).toBe(name);
    expect(isDType(name)).toBe(true);
    expect(isNumericDType(name)).toBe(name !== 'string');
  }
});

test('isDType refuses what is not a dtype name', () => {
  for (const x of ['float', 'FLOAT32', 'toString', 'constructor', '', 1, null, undefined, {}]) {
    expect(isDType(x)).toBe(false);
  }
});

test('dtypeFromOnnx throws a RangeError naming unsupported ONNX types', () => {
  expect(() => dtypeFromOnnx(16)).toThrow(RangeError);
  expect(() => dtypeFromOnnx(16)).toThrow(/ONNX data type 16 \(BFLOAT16\) is not supported/);
  expect(() => dtypeFromOnnx(0)).toThrow(/UNDEFINED/);
  expect(() => dtypeFromOnnx(99)).toThrow(
    /ONNX data type 99 is not supported: expected one of 1 \(float32\)/,
  );
});
