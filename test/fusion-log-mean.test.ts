import { describe, expect, it } from 'vitest';
import { fuseLogMean } from '../src/engines/fusion/kernels/index.js';
import { seededRandom } from '../src/util/mulberry32.js';
import {
  largestError,
  randomInput,
  referenceLogMean,
  runKernel,
} from './fixtures/fusion-reference.js';

const KINDS = ['logits', 'logprobs', 'probs'] as const;

function run(input: ReturnType<typeof randomInput>, simd: boolean) {
  return runKernel(fuseLogMean, input, simd);
}

describe.each([
  ['WebAssembly SIMD', true],
  ['scalar', false],
] as const)('log of the mean probability (%s)', (_, simd) => {
  for (const kind of KINDS) {
    it(`matches a float64 reference for ${kind} with weights, temperatures and -Infinity`, () => {
      const input = randomInput(seededRandom(31), kind, 4, 33, 47, {
        impossible: 0.1,
        weights: [3, 0, 1, 0.25],
        temperatures: kind === 'probs' ? [1, 1, 1, 1] : [2, 1, 0.6, 1.3],
      });
      const out = run(input, simd);
      const expected = referenceLogMean(input);
      expect(largestError(out.distribution, expected.distribution)).toBeLessThan(1e-5);
      expect(Array.from(out.argmax)).toEqual(expected.argmax);
    });
  }

  it('keeps a finite log-probability where every model gives less than 1e-308', () => {
    const input = randomInput(seededRandom(6), 'logits', 3, 2, 4, { weights: [1, 2, 0.5] });
    // Class 1 of row 0 sits about 900 nats below the rest in every model: its mean probability
    // underflows a double, its log does not.
    input.outputs.forEach((x, k) => {
      x[1] = -900 - 10 * k;
    });
    const out = run(input, simd);
    const expected = referenceLogMean(input);
    expect(expected.distribution[0]![1]).toBeLessThan(-890);
    expect(Number.isFinite(out.distribution[1])).toBe(true);
    expect(largestError(out.distribution, expected.distribution)).toBeLessThan(1e-5);
  });

  it('matches the reference for tiny probabilities around float32 underflow', () => {
    const input = randomInput(seededRandom(8), 'logits', 2, 3, 6, { weights: [1, 3] });
    // Per row, classes 40 to 100 nats below the others: means from about 1e-18 to 1e-44.
    for (let r = 0; r < 3; r++) {
      input.outputs.forEach((x, k) => {
        x[r * 6 + 1] = -40 - 20 * r - k;
        x[r * 6 + 4] = -70 - 10 * r + k;
      });
    }
    const out = run(input, simd);
    expect(largestError(out.distribution, referenceLogMean(input).distribution)).toBeLessThan(1e-5);
  });

  it('gives -Infinity only where every model of weight > 0 rules the class out', () => {
    const input = randomInput(seededRandom(7), 'logits', 3, 1, 5, { weights: [1, 1, 0] });
    input.outputs[0]![2] = Number.NEGATIVE_INFINITY;
    input.outputs[1]![2] = Number.NEGATIVE_INFINITY;
    input.outputs[0]![3] = Number.NEGATIVE_INFINITY;
    const out = run(input, simd);
    expect(out.distribution[2]).toBe(Number.NEGATIVE_INFINITY);
    expect(Number.isFinite(out.distribution[3])).toBe(true);
  });

  it('gives log-probability 0 to the only class of a one-class row', () => {
    const input = randomInput(seededRandom(2), 'logits', 2, 4, 1);
    expect(Array.from(run(input, simd).distribution)).toEqual(new Array(4).fill(0));
  });
});
