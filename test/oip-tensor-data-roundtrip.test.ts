import { describe, expect, it } from 'vitest';
import { FeedError } from '../src/errors.js';
import { dtypeOfDatatype, OIP_DATATYPES } from '../src/oip/datatype.js';
import { numberToFloat16 } from '../src/oip/float16.js';
import {
  binaryDataOfTensor,
  jsonDataOfTensor,
  tensorFromBinaryData,
  tensorFromJsonData,
} from '../src/oip/tensor-data.js';

/** Values every datatype holds exactly, as JSON gives them. */
function sample(datatype: string): (number | boolean | string)[] {
  if (datatype === 'BOOL') return [true, false, true, true];
  if (datatype === 'BYTES') return ['', 'ab', 'héllo', '✓'];
  if (datatype.startsWith('UINT')) return [0, 1, 200, 7];
  if (datatype.startsWith('INT')) return [-1, 0, 100, -7];
  return [0.5, -2, 1024, 0.25];
}

describe('tensor data in the protocol’s JSON and binary forms', () => {
  it('carries every datatype through both forms unchanged', () => {
    for (const datatype of OIP_DATATYPES) {
      const values = sample(datatype);
      const tensor = tensorFromJsonData('t', datatype, [2, 2], values);
      expect(tensor.dtype).toBe(dtypeOfDatatype(datatype));
      expect(jsonDataOfTensor(tensor)).toEqual(values);
      const bytes = binaryDataOfTensor(tensor);
      const back = tensorFromBinaryData('t', datatype, [2, 2], new Uint8Array(bytes));
      expect(jsonDataOfTensor(back)).toEqual(values);
    }
  });

  it('lays BYTES out as 4-byte little-endian lengths before each element, and checks them', () => {
    const tensor = tensorFromJsonData('t', 'BYTES', [2], ['ab', 'c']);
    expect(Array.from(binaryDataOfTensor(tensor))).toEqual([2, 0, 0, 0, 97, 98, 1, 0, 0, 0, 99]);
    expect(() =>
      tensorFromBinaryData('model "m": input "t"', 'BYTES', [2], new Uint8Array([2, 0, 0, 0, 97])),
    ).toThrow(/input "t": BYTES element 0 claims 2 bytes, 1 are left/);
    expect(() => tensorFromBinaryData('t', 'FP32', [2], new Uint8Array(7))).toThrow(FeedError);
  });

  it('rounds numbers to float16 to nearest, ties to even', () => {
    expect(numberToFloat16(1)).toBe(0x3c00);
    expect(numberToFloat16(65504)).toBe(0x7bff);
    expect(numberToFloat16(1e6)).toBe(0x7c00);
    expect(numberToFloat16(-0.1)).toBe(0xae66);
    expect(numberToFloat16(2 ** -24)).toBe(0x0001);
    // 1 + 2^-11 is halfway between 1 and the next float16: ties go to the even 1.
    expect(numberToFloat16(1 + 2 ** -11)).toBe(0x3c00);
  });
});
