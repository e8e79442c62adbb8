import { describe, expect, it } from 'vitest';
import { createFusionScratch, fuseMajorityVote } from '../src/engines/fusion/kernels/index.js';
import { seededRandom } from '../src/util/mulberry32.js';
import {
  largestError,
  randomInput,
  referenceMajorityVote,
  runKernel,
} from './fixtures/fusion-reference.js';

const KINDS = ['logits', 'logprobs', 'probs'] as const;

function run(input: ReturnType<typeof randomInput>, simd: boolean) {
  return runKernel(fuseMajorityVote, input, simd);
}

describe.each([
  ['WebAssembly SIMD', true],
  ['scalar', false],
] as const)('majority vote (%s)', (_, simd) => {
  for (const kind of KINDS) {
    it(`matches a float64 reference for ${kind}, ties included`, () => {
      // Four classes and equal weights: many rows tie and go to the tie-break.
      const input = randomInput(seededRandom(41), kind, 4, 200, 4, {
        impossible: 0.1,
        temperatures: kind === 'probs' ? [1, 1, 1, 1] : [1, 0.3, 2.5, 1],
      });
      const out = run(input, simd);
      const expected = referenceMajorityVote(input);
      expect(largestError(out.distribution, expected.distribution)).toBeLessThan(1e-6);
      expect(Array.from(out.argmax)).toEqual(expected.argmax);
    });
  }

  it('lets weights outvote a majority of models and ignores models of weight 0', () => {
    // Rows of three classes; models 0-2 vote for class 0, model 3 for class 2.
    const outputs = [0, 0, 0, 2].map((c) =>
      Float32Array.from([0, 1, 2].map((j) => (j === c ? 5 : 0))),
    );
    const input = { kind: 'logits' as const, classes: 3, outputs, weights: [1, 1, 0.5, 3] };
    const out = { distribution: new Float32Array(3), argmax: new Int32Array(1) };
    fuseMajorityVote(input, out, createFusionScratch(3, 4, { simd }));
    expect(out.argmax[0]).toBe(2);
    expect(Array.from(out.distribution)).toEqual([2.5 / 5.5, 0, 3 / 5.5].map(Math.fround));
    fuseMajorityVote(
      { ...input, weights: [1, 1, 0.5, 0] },
      out,
      createFusionScratch(3, 4, { simd }),
    );
    expect(out.argmax[0]).toBe(0);
    expect(Array.from(out.distribution)).toEqual([1, 0, 0]);
  });

  it('breaks a tie by the summed probability, which the temperatures change', () => {
    // Model 0 is sure of class 0; model 1 prefers class 1 only slightly over class 0.
    const outputs = [Float32Array.from([4, 0, -2]), Float32Array.from([0.9, 1, -2])];
    const input = { kind: 'logits' as const, classes: 3, outputs };
    const out = { distribution: new Float32Array(3), argmax: new Int32Array(1) };
    fuseMajorityVote(input, out, createFusionScratch(3, 2, { simd }));
    expect(out.argmax[0]).toBe(0);
    // A hot model 0 spreads its mass, a cold model 1 concentrates on class 1: class 1 wins.
    fuseMajorityVote(
      { ...input, temperatures: [20, 0.01] },
      out,
      createFusionScratch(3, 2, { simd }),
    );
    expect(out.argmax[0]).toBe(1);
    const expected = referenceMajorityVote({ ...input, weights: [1, 1], temperatures: [20, 0.01] });
    expect(expected.argmax[0]).toBe(1);
  });
});
