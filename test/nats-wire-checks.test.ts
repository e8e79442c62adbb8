import { describe, expect, it } from 'vitest';
import { decodeTensors } from '../src/engines/remote/wire/tensor-codec.js';
import { WireError } from '../src/errors.js';

/** A message with a header of our choosing and `data` bytes after it (as tensor-codec.ts lays out). */
function message(header: unknown, data = 0): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const start = Math.ceil((4 + json.byteLength) / 8) * 8;
  const bytes = new Uint8Array(start + data);
  new DataView(bytes.buffer).setUint32(0, json.byteLength, true);
  bytes.set(json, 4);
  return bytes;
}

function entry(fields: Record<string, unknown>) {
  return {
    v: 1,
    tensors: [{ name: 'x', dtype: 'float32', dims: [2], offset: 0, byteLength: 8, ...fields }],
  };
}

describe('a tensor message from another process', () => {
  it('is read when it holds what it claims', () => {
    expect(decodeTensors(message(entry({}), 8), 'reply').x!.dims).toEqual([2]);
  });

  it.each([
    [
      'a header longer than the message',
      (() => {
        const m = message(entry({}), 8);
        new DataView(m.buffer).setUint32(0, 10_000, true);
        return m;
      })(),
      /header of 10000 bytes does not fit in a message of \d+/,
    ],
    [
      'a header that is not JSON',
      (() => {
        const m = message(entry({}), 8);
        m[4] = 0x7b;
        m[5] = 0x7b;
        return m;
      })(),
      /header is not UTF-8 JSON/,
    ],
    ['another wire version', message({ v: 2, tensors: [] }), /wire version 2, expected 1/],
    [
      'an unknown dtype',
      message(entry({ dtype: 'complex64' }), 8),
      /tensor "x": unknown dtype "complex64"/,
    ],
    [
      'negative dims',
      message(entry({ dims: [-2] }), 8),
      /tensor "x": dims must be non-negative integers/,
    ],
    [
      'dims that disagree with the byte length',
      message(entry({ dims: [3] }), 16),
      /tensor "x": float32 \[3\] is 12 bytes, the header says 8/,
    ],
    [
      'bytes outside the message',
      message(entry({}), 4),
      /tensor "x": bytes 0 to 8 are outside the message's 4 data bytes/,
    ],
    [
      'a misaligned offset',
      message(entry({ offset: 3 }), 16),
      /offset must be a non-negative multiple of 8, got 3/,
    ],
    [
      'two tensors over the same bytes',
      message(
        {
          v: 1,
          tensors: [
            { name: 'a', dtype: 'float32', dims: [4], offset: 0, byteLength: 16 },
            { name: 'b', dtype: 'float32', dims: [2], offset: 8, byteLength: 8 },
          ],
        },
        16,
      ),
      /tensors "a" and "b" overlap at byte 8/,
    ],
    [
      'one name twice',
      message(
        {
          v: 1,
          tensors: [
            { name: 'a', dtype: 'float32', dims: [2], offset: 0, byteLength: 8 },
            { name: 'a', dtype: 'float32', dims: [2], offset: 8, byteLength: 8 },
          ],
        },
        16,
      ),
      /tensor "a" appears twice/,
    ],
    [
      'string lengths past the end',
      (() => {
        const m = message(
          { v: 1, tensors: [{ name: 's', dtype: 'string', dims: [1], offset: 0, byteLength: 8 }] },
          8,
        );
        new DataView(m.buffer).setUint32(m.byteLength - 8, 100, true);
        return m;
      })(),
      /tensor "s": string 0 of 100 bytes runs past its 8 bytes/,
    ],
  ])('is refused with a WireError naming what is wrong: %s', (_, bytes, why) => {
    let caught: unknown;
    try {
      decodeTensors(bytes, 'reply of actor "m1"');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(WireError);
    expect((caught as WireError).code).toBe('ERR_WIRE');
    expect((caught as Error).message).toMatch(/^reply of actor "m1": /);
    expect((caught as Error).message).toMatch(why);
  });
});
