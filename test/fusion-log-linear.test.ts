import { describe, expect, it } from 'vitest';
import { fuseLogLinear } from '../src/engines/fusion/kernels/index.js';
import { seededRandom } from '../src/util/mulberry32.js';
import {
  largestError,
  randomInput,
  referenceLogLinear,
  runKernel,
} from './fixtures/fusion-reference.js';

const KINDS = ['logits', 'logprobs', 'probs'] as const;

function run(input: ReturnType<typeof randomInput>, simd: boolean) {
  return runKernel(fuseLogLinear, input, simd);
}

describe.each([
  ['WebAssembly SIMD', true],
  ['scalar', false],
] as const)('log-linear fusion (%s)', (_, simd) => {
  for (const kind of KINDS) {
    it(`matches a float64 reference for ${kind} with weights, temperatures and -Infinity`, () => {
      const input = randomInput(seededRandom(21), kind, 4, 41, 29, {
        impossible: 0.1,
        weights: [0.7, 1.5, 0, 0.3],
        temperatures: kind === 'probs' ? [1, 1, 1, 1] : [0.8, 1, 3, 1.4],
      });
      const out = run(input, simd);
      const expected = referenceLogLinear(input);
      expect(largestError(out.distribution, expected.distribution)).toBeLessThan(1e-5);
      expect(Array.from(out.argmax)).toEqual(expected.argmax);
    });
  }

  it('uses the weights unnormalised, as Marian does (their sum sharpens the product)', () => {
    const input = randomInput(seededRandom(4), 'logits', 2, 6, 7, { weights: [2, 2] });
    const doubled = run(input, simd);
    const unit = run({ ...input, weights: [1, 1] }, simd);
    expect(largestError(doubled.distribution, referenceLogLinear(input).distribution)).toBeLessThan(
      1e-5,
    );
    expect(doubled.distribution[0]).not.toBeCloseTo(unit.distribution[0]!, 3);
  });

  it('rules out a class that one model of weight > 0 rules out', () => {
    const input = randomInput(seededRandom(9), 'logits', 3, 2, 5, { weights: [1, 1, 0] });
    input.outputs[1]![3] = Number.NEGATIVE_INFINITY;
    input.outputs[2]![4] = Number.NEGATIVE_INFINITY;
    const out = run(input, simd);
    expect(out.distribution[3]).toBe(Number.NEGATIVE_INFINITY);
    expect(Number.isFinite(out.distribution[4])).toBe(true);
  });

  it('gives log-probability 0 to the only class of a one-class row', () => {
    const input = randomInput(seededRandom(2), 'logprobs', 2, 5, 1, { temperatures: [0.5, 2] });
    const out = run(input, simd);
    expect(Array.from(out.distribution)).toEqual(new Array(5).fill(0));
  });
});
