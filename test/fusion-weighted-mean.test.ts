import { describe, expect, it } from 'vitest';
import { fuseWeightedMean } from '../src/engines/fusion/kernels/index.js';
import { seededRandom } from '../src/util/mulberry32.js';
import {
  largestError,
  randomInput,
  referenceWeightedMean,
  runKernel,
} from './fixtures/fusion-reference.js';

const KINDS = ['logits', 'logprobs', 'probs'] as const;

function run(input: ReturnType<typeof randomInput>, simd: boolean) {
  return runKernel(fuseWeightedMean, input, simd);
}

describe.each([
  ['WebAssembly SIMD', true],
  ['scalar', false],
] as const)('weighted mean of probabilities (%s)', (_, simd) => {
  for (const kind of KINDS) {
    it(`matches a float64 reference for ${kind} with weights, temperatures and -Infinity`, () => {
      const input = randomInput(seededRandom(11), kind, 4, 37, 53, {
        impossible: 0.1,
        weights: [0.5, 2, 0, 1.25],
        temperatures: kind === 'probs' ? [1, 1, 1, 1] : [1, 0.5, 2, 1.7],
      });
      const out = run(input, simd);
      const expected = referenceWeightedMean(input);
      expect(largestError(out.distribution, expected.distribution)).toBeLessThan(1e-5);
      expect(Array.from(out.argmax)).toEqual(expected.argmax);
    });
  }

  it('gives probability 1 to the only class of a one-class row', () => {
    const input = randomInput(seededRandom(3), 'logits', 3, 9, 1);
    const out = run(input, simd);
    expect(Array.from(out.distribution)).toEqual(new Array(9).fill(1));
    expect(Array.from(out.argmax)).toEqual(new Array(9).fill(0));
  });

  it('gives 0 to a class every model rules out, and rows that sum to 1', () => {
    const input = randomInput(seededRandom(5), 'logits', 2, 4, 6);
    for (const x of input.outputs) x[2] = Number.NEGATIVE_INFINITY;
    const out = run(input, simd);
    expect(out.distribution[2]).toBe(0);
    for (let r = 0; r < 4; r++) {
      const sum = out.distribution.subarray(r * 6, r * 6 + 6).reduce((a, b) => a + b, 0);
      expect(sum).toBeCloseTo(1, 6);
    }
  });

  it('reads Float32Array views over a SharedArrayBuffer at an offset', () => {
    const input = randomInput(seededRandom(8), 'logits', 3, 10, 16);
    const shared = new SharedArrayBuffer(4 * (7 + 3 * 160));
    const views = input.outputs.map((x, k) => {
      const view = new Float32Array(shared, 4 * (7 + k * 160), 160);
      view.set(x);
      return view;
    });
    const out = run({ ...input, outputs: views }, simd);
    expect(largestError(out.distribution, referenceWeightedMean(input).distribution)).toBeLessThan(
      1e-5,
    );
  });
});
