import { describe, expect, it } from 'vitest';
import { measureAgreement } from '../src/engines/fusion/agreement.js';
import {
  createFusionScratch,
  type FusionStrategy,
  fuse,
  fusedKinds,
} from '../src/engines/fusion/kernels/index.js';
import { seededRandom } from '../src/util/mulberry32.js';
import { randomInput, referenceLogProbs } from './fixtures/fusion-reference.js';

const ROWS = 40;
const CLASSES = 11;

describe.each([
  ['WebAssembly SIMD', true],
  ['scalar', false],
] as const)('agreement of each model with the fused output (%s)', (_, simd) => {
  for (const strategy of ['weighted-mean', 'log-linear'] as FusionStrategy[]) {
    it(`matches a float64 reference after ${strategy} (fused ${fusedKinds[strategy]})`, () => {
      const input = randomInput(seededRandom(61), 'logits', 3, ROWS, CLASSES, {
        impossible: 0.1,
        weights: [2, 1, 0],
        temperatures: [1, 0.5, 2],
      });
      const fused = {
        distribution: new Float32Array(ROWS * CLASSES),
        argmax: new Int32Array(ROWS),
      };
      const scratch = createFusionScratch(CLASSES, 3, { simd });
      fuse(strategy, input, fused, scratch);
      const agreement = {
        argmaxAgreement: new Float64Array(3),
        meanTotalVariation: new Float64Array(3),
      };
      measureAgreement(input, fused, fusedKinds[strategy], agreement, scratch);

      for (let k = 0; k < 3; k++) {
        let matches = 0;
        let distance = 0;
        for (let r = 0; r < ROWS; r++) {
          const row = Array.from(input.outputs[k]!.subarray(r * CLASSES, (r + 1) * CLASSES));
          const p = referenceLogProbs('logits', row, input.temperatures[k]!).map(Math.exp);
          const q = Array.from(fused.distribution.subarray(r * CLASSES, (r + 1) * CLASSES)).map(
            (v) => (fusedKinds[strategy] === 'logprobs' ? Math.exp(v) : v),
          );
          if (row.indexOf(Math.max(...row)) === fused.argmax[r]) matches++;
          distance += 0.5 * p.reduce((sum, pj, j) => sum + Math.abs(pj - q[j]!), 0);
        }
        expect(agreement.argmaxAgreement[k]).toBeCloseTo(matches / ROWS, 12);
        expect(agreement.meanTotalVariation[k]).toBeCloseTo(distance / ROWS, 5);
      }
      // The heaviest model agrees most; the model of weight 0 is still measured.
      expect(agreement.argmaxAgreement[0]).toBeGreaterThan(agreement.argmaxAgreement[2]!);
      expect(agreement.meanTotalVariation[2]).toBeGreaterThan(0);
    });
  }

  it('names a NaN in a model output, even in a model of weight 0', () => {
    const input = randomInput(seededRandom(63), 'logits', 3, ROWS, CLASSES, { weights: [1, 1, 0] });
    const fused = { distribution: new Float32Array(ROWS * CLASSES), argmax: new Int32Array(ROWS) };
    const scratch = createFusionScratch(CLASSES, 3, { simd });
    fuse('weighted-mean', input, fused, scratch);
    input.outputs[2]![7 * CLASSES + 3] = Number.NaN;
    const agreement = {
      argmaxAgreement: new Float64Array(3),
      meanTotalVariation: new Float64Array(3),
    };
    expect(() => measureAgreement(input, fused, 'probs', agreement, scratch)).toThrow(
      /model 2 has NaN at row 7, class 3/,
    );
  });

  it('gives full agreement and distance 0 to a model fused with itself', () => {
    const input = randomInput(seededRandom(62), 'probs', 2, ROWS, CLASSES);
    const same = { ...input, outputs: [input.outputs[0]!, input.outputs[0]!] };
    const fused = { distribution: new Float32Array(ROWS * CLASSES), argmax: new Int32Array(ROWS) };
    const scratch = createFusionScratch(CLASSES, 2, { simd });
    fuse('weighted-mean', same, fused, scratch);
    const agreement = {
      argmaxAgreement: new Float64Array(2),
      meanTotalVariation: new Float64Array(2),
    };
    measureAgreement(same, fused, 'probs', agreement, scratch);
    expect(Array.from(agreement.argmaxAgreement)).toEqual([1, 1]);
    expect(agreement.meanTotalVariation[0]).toBeLessThan(1e-7);
  });
});
