import { describe, expect, it } from 'vitest';
import { decodeTensors, encodeTensors } from '../src/engines/remote/wire/tensor-codec.js';
import type { HostTensor } from '../src/tensor/index.js';

describe('the wire encoding of tensors', () => {
  it('gives back every dtype bit for bit, strings included, whatever the alignment', () => {
    const tensors: Record<string, HostTensor> = {
      f32: {
        dtype: 'float32',
        dims: [2, 3],
        data: new Float32Array([1.5, -0, Number.NaN, 3, -Infinity, 1e-40]),
      },
      f64: { dtype: 'float64', dims: [1], data: new Float64Array([Math.PI]) },
      i64: { dtype: 'int64', dims: [2], data: new BigInt64Array([-(2n ** 63n), 42n]) },
      u8: { dtype: 'uint8', dims: [3], data: new Uint8Array([0, 127, 255]) },
      bool: { dtype: 'bool', dims: [1, 1], data: new Uint8Array([1]) },
      f16: { dtype: 'float16', dims: [1], data: new Uint16Array([0x3c00]) },
      empty: { dtype: 'float32', dims: [0, 4], data: new Float32Array(0) },
      text: { dtype: 'string', dims: [3], data: ['', 'héllo', '字'] },
    };
    const message = encodeTensors(tensors);
    // Shift the message by one byte, as a socket's buffer may: views must not be misaligned.
    const shifted = new Uint8Array(message.byteLength + 1).subarray(1);
    shifted.set(message);
    for (const bytes of [message, shifted]) {
      const back = decodeTensors(bytes, 'test');
      expect(Object.keys(back)).toEqual(Object.keys(tensors));
      for (const [name, tensor] of Object.entries(tensors)) {
        expect(back[name]!.dtype).toBe(tensor.dtype);
        expect(back[name]!.dims).toEqual(tensor.dims);
        if (tensor.dtype === 'string') expect(back[name]!.data).toEqual(tensor.data);
        else {
          const a = tensor.data as ArrayBufferView;
          const b = back[name]!.data as ArrayBufferView;
          expect(new Uint8Array(b.buffer, b.byteOffset, b.byteLength)).toEqual(
            new Uint8Array(a.buffer, a.byteOffset, a.byteLength),
          );
          expect(b.constructor).toBe(a.constructor);
        }
      }
    }
  });

  it('carries numbers as raw bytes, not as JSON', () => {
    const data = new Float32Array(1000).fill(0.1);
    const message = encodeTensors({ x: { dtype: 'float32', dims: [1000], data } });
    expect(message.byteLength).toBeLessThan(4000 + 200);
    expect(new TextDecoder().decode(message)).not.toContain('0.1');
  });

  it('refuses to encode data that does not fill its dims', () => {
    expect(() =>
      encodeTensors({ x: { dtype: 'float32', dims: [2, 2], data: new Float32Array(3) } }),
    ).toThrow(/tensor "x": float32 \[2, 2\] needs 16 bytes, its data has 12/);
    expect(() => encodeTensors({ s: { dtype: 'string', dims: [3], data: ['a', 'b'] } })).toThrow(
      /tensor "s": string \[3\] needs 3 strings, its data has 2/,
    );
  });
});
