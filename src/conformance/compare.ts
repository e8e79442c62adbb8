import { float16ToNumber } from '../oip/float16.js';
import type { HostTensor } from '../tensor/index.js';

/** The corpus' tolerance for floats: |actual − expected| ≤ atol + rtol·|expected|. */
export const TOLERANCE = { atol: 1e-4, rtol: 1e-3 } as const;

/**
 * Compares an output with its reference. Returns undefined when they match, else a sentence
 * saying where they first differ. Floats within {@link TOLERANCE}; integers, bools and strings
 * exactly; NaN matches NaN (reference outputs contain them on purpose).
 */
export function compareTensors(actual: HostTensor, expected: HostTensor): string | undefined {
  if (actual.dtype !== expected.dtype) return `dtype ${actual.dtype}, expected ${expected.dtype}`;
  if (actual.dims.join(',') !== expected.dims.join(',')) {
    return `dims [${actual.dims.join(', ')}], expected [${expected.dims.join(', ')}]`;
  }
  const a = actual.data;
  const e = expected.data;
  if (a.length !== e.length) return `${a.length} elements, expected ${e.length}`;
  const float =
    actual.dtype === 'float32' || actual.dtype === 'float64' || actual.dtype === 'float16';
  // float16 is held as its uint16 bits.
  const toNumber = actual.dtype === 'float16' ? float16ToNumber : Number;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = e[i];
    if (float) {
      const xv = toNumber(x as number);
      const yv = toNumber(y as number);
      if (Number.isNaN(xv) && Number.isNaN(yv)) continue;
      if (xv === yv) continue; // also equal infinities
      if (!(Math.abs(xv - yv) <= TOLERANCE.atol + TOLERANCE.rtol * Math.abs(yv))) {
        return `element ${i} is ${xv}, expected ${yv}`;
      }
    } else if (x !== y) {
      return `element ${i} is ${String(x)}, expected ${String(y)}`;
    }
  }
  return undefined;
}
