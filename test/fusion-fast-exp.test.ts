import { describe, expect, it } from 'vitest';
import { fastExp } from '../src/engines/fusion/kernels/index.js';
import { seededRandom } from '../src/util/mulberry32.js';

describe('fast exp used by the softmax kernels', () => {
  it('is within 1e-12 relative of Math.exp over [-708, 0]', () => {
    const random = seededRandom(71);
    let worst = 0;
    for (let i = 0; i < 200_000; i++) {
      // Half the samples near 0, where softmax terms matter most; half over the whole range.
      const t = i % 2 === 0 ? -random() * 708 : -random() * 4;
      const exact = Math.exp(t);
      worst = Math.max(worst, Math.abs(fastExp(t) - exact) / exact);
    }
    expect(worst).toBeLessThan(1e-12);
  });

  it('is exact at 0, at the table points, and 0 below the normal doubles, at -Infinity and NaN', () => {
    expect(fastExp(0)).toBe(1);
    expect(fastExp(-Math.LN2)).toBe(0.5);
    expect(fastExp(-10 * Math.LN2)).toBe(2 ** -10);
    expect(fastExp(-709)).toBe(0);
    expect(fastExp(Number.NEGATIVE_INFINITY)).toBe(0);
    expect(fastExp(Number.NaN)).toBe(0);
  });
});
