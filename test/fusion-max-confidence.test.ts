import { describe, expect, it } from 'vitest';
import { fuseMaxConfidence } from '../src/engines/fusion/kernels/index.js';
import { seededRandom } from '../src/util/mulberry32.js';
import {
  largestError,
  randomInput,
  referenceMaxConfidence,
  runKernel,
} from './fixtures/fusion-reference.js';

const KINDS = ['logits', 'logprobs', 'probs'] as const;

function run(input: ReturnType<typeof randomInput>, simd: boolean) {
  return runKernel(fuseMaxConfidence, input, simd, (rows) => ({
    chosenModel: new Int32Array(rows),
  }));
}

describe.each([
  ['WebAssembly SIMD', true],
  ['scalar', false],
] as const)('max-confidence fusion (%s)', (_, simd) => {
  for (const kind of KINDS) {
    it(`matches a float64 reference for ${kind} with temperatures and -Infinity`, () => {
      const input = randomInput(seededRandom(51), kind, 4, 60, 12, {
        impossible: 0.2,
        weights: [1, 1, 0, 2],
        temperatures: kind === 'probs' ? [1, 1, 1, 1] : [0.7, 1.9, 0.1, 1],
      });
      const out = run(input, simd);
      const expected = referenceMaxConfidence(input);
      expect(largestError(out.distribution, expected.distribution)).toBeLessThan(1e-5);
      expect(Array.from(out.argmax)).toEqual(expected.argmax);
      expect(Array.from(out.chosenModel)).toEqual(expected.chosen);
      // Every model of weight > 0 is chosen somewhere, the model of weight 0 nowhere.
      expect(new Set(expected.chosen)).toEqual(new Set([0, 1, 3]));
    });
  }

  it('takes the first of equally confident models', () => {
    const outputs = [Float32Array.from([0, 2, 1]), Float32Array.from([2, 1, 0])];
    const out = run(
      { kind: 'logits', classes: 3, outputs, weights: [1, 1], temperatures: [1, 1] },
      simd,
    );
    expect(out.chosenModel[0]).toBe(0);
    expect(out.argmax[0]).toBe(1);
  });
});
