import { describe, expect, it } from 'vitest';
import {
  decodeTensorProto,
  encodeTensorProto,
  ONNX_DTYPES,
  type OnnxDtype,
  type TensorData,
} from '../src/onnx/index.js';
import { onnx } from '../src/onnx/proto.js';
import { SeededRandom } from '../src/util/random.js';

/** Seeded values for a dtype, including the extremes its container can hold. */
function sample(dtype: OnnxDtype, random: SeededRandom, length: number): TensorData {
  const pick = <T>(extremes: readonly T[], draw: () => T): T[] =>
    Array.from({ length }, (_, i) => (i < extremes.length ? extremes[i]! : draw()));
  const signed = (bits: number) => random.int(2 ** bits) - 2 ** (bits - 1);
  switch (dtype) {
    case 'float32':
      return Float32Array.from(
        pick([Number.NaN, -0, Infinity, 3.4e38], () => random.normal(0, 100)),
      );
    case 'float64':
      return Float64Array.from(pick([Number.MIN_VALUE, -Infinity, 1e308], () => random.normal()));
    case 'float16':
      return Uint16Array.from(pick([0x3c00, 0xfc00, 0x7e00], () => random.int(0x10000)));
    case 'int8':
      return Int8Array.from(pick([-128, 127], () => signed(8)));
    case 'int16':
      return Int16Array.from(pick([-32768, 32767], () => signed(16)));
    case 'int32':
      return Int32Array.from(pick([-(2 ** 31), 2 ** 31 - 1], () => signed(32)));
    case 'int64':
      return BigInt64Array.from(
        pick([-(2n ** 63n), 2n ** 63n - 1n, -1n], () =>
          BigInt.asIntN(64, (BigInt(random.nextUint32()) << 32n) | BigInt(random.nextUint32())),
        ),
      );
    case 'uint8':
      return Uint8Array.from(pick([0, 255], () => random.int(256)));
    case 'uint16':
      return Uint16Array.from(pick([65535], () => random.int(65536)));
    case 'uint32':
      return Uint32Array.from(pick([2 ** 32 - 1], () => random.nextUint32()));
    case 'uint64':
      return BigUint64Array.from(
        pick(
          [2n ** 64n - 1n],
          () => (BigInt(random.nextUint32()) << 32n) | BigInt(random.nextUint32()),
        ),
      );
    case 'bool':
      return Uint8Array.from(pick([], () => random.int(2)));
    case 'string':
      return pick(['', 'naïve ☃ 𝄞'], () => `token-${random.int(1000)}`);
  }
}

describe('TensorProto encoding and decoding', () => {
  const random = new SeededRandom(20240611);

  for (const dtype of ONNX_DTYPES) {
    for (const layout of ['raw', 'typed'] as const) {
      it(`round-trips ${dtype} through the ${layout} layout`, () => {
        const data = sample(dtype, random, 24);
        const bytes = encodeTensorProto(
          { name: `t_${dtype}`, dtype, dims: [2, 3, 4], data },
          { layout },
        );
        const tensor = decodeTensorProto(bytes);
        expect(tensor.name).toBe(`t_${dtype}`);
        expect(tensor.dtype).toBe(dtype);
        expect(tensor.dims).toEqual([2, 3, 4]);
        expect(tensor.data.constructor).toBe(data.constructor);
        expect(tensor.data).toEqual(data);
      });
    }
  }

  it('writes the field ONNX assigns to each dtype in the typed layout', () => {
    const field = (dtype: OnnxDtype) => {
      const proto = onnx.TensorProto.decode(
        encodeTensorProto(
          { dtype, dims: [2], data: sample(dtype, random, 2) },
          { layout: 'typed' },
        ),
      );
      return [
        'rawData',
        'floatData',
        'int32Data',
        'int64Data',
        'stringData',
        'doubleData',
        'uint64Data',
      ].filter((key) => (proto[key as keyof typeof proto] as ArrayLike<unknown>).length > 0);
    };
    expect(field('float32')).toEqual(['floatData']);
    expect(field('float16')).toEqual(['int32Data']);
    expect(field('bool')).toEqual(['int32Data']);
    expect(field('uint16')).toEqual(['int32Data']);
    expect(field('int64')).toEqual(['int64Data']);
    expect(field('uint32')).toEqual(['uint64Data']);
    expect(field('float64')).toEqual(['doubleData']);
    expect(field('string')).toEqual(['stringData']);
    expect(field('int8')).toEqual(['int32Data']);
  });

  it('decodes typed fields written by protobufjs directly', () => {
    const decode = (message: Parameters<typeof onnx.TensorProto.encode>[0]) =>
      decodeTensorProto(onnx.TensorProto.encode(message).finish());
    const half = decode({ dataType: 10, dims: [2], int32Data: [0x3c00, 0xc000] });
    expect(half).toEqual({
      name: '',
      dtype: 'float16',
      dims: [2],
      data: new Uint16Array([0x3c00, 0xc000]),
    });
    const longs = decode({ dataType: 7, dims: [2], int64Data: [-3, 2 ** 40] });
    expect(longs.data).toEqual(new BigInt64Array([-3n, 2n ** 40n]));
    const scalar = decode({ dataType: 1, dims: [], floatData: [2.5] });
    expect(scalar.dims).toEqual([]);
    expect(scalar.data).toEqual(new Float32Array([2.5]));
    const empty = decode({ dataType: 1, dims: [0, 3] });
    expect(empty.data).toEqual(new Float32Array(0));
  });

  it('decodes raw_data that starts at an odd byte offset', () => {
    const data = new Float64Array([1.5, -2.25, 1e-300]);
    const bytes = encodeTensorProto({ name: 'x', dims: [3], data });
    // A buffer shifted by one byte puts raw_data off the 8-byte alignment Float64Array needs.
    const shifted = new Uint8Array(bytes.length + 1);
    shifted.set(bytes, 1);
    expect(decodeTensorProto(shifted.subarray(1)).data).toEqual(data);
  });

  it('refuses values that do not match the dims or the dtype', () => {
    expect(() => encodeTensorProto({ dims: [2, 2], data: new Float32Array(3) })).toThrow(
      /dims \[2, 2\] \(4 elements\) but 3 values/,
    );
    expect(() => encodeTensorProto({ dtype: 'int64', dims: [1], data: new Int32Array(1) })).toThrow(
      TypeError,
    );
    expect(() => encodeTensorProto({ dims: [-1], data: new Float32Array(0) })).toThrow(RangeError);
    const short = onnx.TensorProto.encode({
      dataType: 1,
      dims: [4],
      rawData: new Uint8Array(12),
    }).finish();
    expect(() => decodeTensorProto(short)).toThrow(/needs 16 bytes of raw_data, has 12/);
    const typed = onnx.TensorProto.encode({ dataType: 6, dims: [3], int32Data: [1, 2] }).finish();
    expect(() => decodeTensorProto(typed)).toThrow(/3 elements but 2 values in int32_data/);
  });

  it('refuses data types and storage it does not carry, naming them', () => {
    const complex = onnx.TensorProto.encode({
      dataType: 14,
      dims: [1],
      floatData: [1, 2],
    }).finish();
    expect(() => decodeTensorProto(complex)).toThrow(/data type 14 is not supported/);
    const external = onnx.TensorProto.encode({
      name: 'w',
      dataType: 1,
      dims: [1],
      dataLocation: 1,
    }).finish();
    expect(() => decodeTensorProto(external)).toThrow(
      /tensor "w" keeps its data in an external file/,
    );
    expect(() => decodeTensorProto(new Uint8Array([0xff, 0xff, 0xff]))).toThrow(TypeError);
  });
});
