import { describe, expect, it } from 'vitest';
import {
  createFusionScratch,
  type FusionInput,
  type FusionStrategy,
  fuse,
  fusionStrategies,
} from '../src/engines/fusion/kernels/index.js';
import { FusionError } from '../src/errors.js';
import { seededRandom } from '../src/util/mulberry32.js';
import { randomInput } from './fixtures/fusion-reference.js';

const KINDS = ['logits', 'logprobs', 'probs'] as const;
const ROWS = 6;
const CLASSES = 9;

function fuseInto(strategy: FusionStrategy, input: FusionInput, simd: boolean) {
  const out = {
    distribution: new Float32Array(ROWS * CLASSES),
    argmax: new Int32Array(ROWS),
  };
  fuse(strategy, input, out, createFusionScratch(CLASSES, input.outputs.length, { simd }));
  return out;
}

function caught(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error, none was thrown');
}

describe.each([
  ['WebAssembly SIMD', true],
  ['scalar', false],
] as const)('fusion input faults (%s)', (_, simd) => {
  for (const strategy of fusionStrategies) {
    for (const kind of KINDS) {
      for (const bad of [Number.NaN, Number.POSITIVE_INFINITY]) {
        it(`${strategy} on ${kind}: ${bad} names the model, the row and the value`, () => {
          const input = randomInput(seededRandom(1), kind, 3, ROWS, CLASSES);
          input.outputs[2]![3 * CLASSES + 5] = bad;
          const error = caught(() => fuseInto(strategy, input, simd));
          expect(error).toBeInstanceOf(FusionError);
          expect((error as FusionError).code).toBe('ERR_FUSION');
          expect(error.message).toContain('model 2');
          expect(error.message).toContain('row 3');
          expect(error.message).toContain(String(bad));
        });
      }
    }

    it(`${strategy}: a logits row that is -Infinity everywhere is an error naming it`, () => {
      const input = randomInput(seededRandom(2), 'logits', 3, ROWS, CLASSES);
      input.outputs[1]!.fill(Number.NEGATIVE_INFINITY, 4 * CLASSES, 5 * CLASSES);
      const error = caught(() => fuseInto(strategy, input, simd));
      expect(error).toBeInstanceOf(FusionError);
      expect(error.message).toMatch(/model 1 .*every class -Infinity at row 4/);
    });

    it(`${strategy}: -Infinity in probs is an error, in logits an impossible class`, () => {
      const logits = randomInput(seededRandom(3), 'logits', 2, ROWS, CLASSES, { impossible: 0.3 });
      expect(() => fuseInto(strategy, logits, simd)).not.toThrow();
      const probs = randomInput(seededRandom(3), 'probs', 2, ROWS, CLASSES);
      probs.outputs[0]![CLASSES + 2] = Number.NEGATIVE_INFINITY;
      expect(() => fuseInto(strategy, probs, simd)).toThrow(
        /model 0 has -Infinity at row 1, class 2/,
      );
    });

    it(`${strategy}: a model of weight 0 is not read`, () => {
      const input = randomInput(seededRandom(4), 'logits', 3, ROWS, CLASSES, {
        weights: [1, 0, 1],
      });
      input.outputs[1]![7] = Number.NaN;
      expect(() => fuseInto(strategy, input, simd)).not.toThrow();
    });
  }

  it('log-linear: models that rule out every class between them are an error', () => {
    const outputs = [Float32Array.from([0, -Infinity]), Float32Array.from([-Infinity, 0])];
    const out = { distribution: new Float32Array(2), argmax: new Int32Array(1) };
    expect(() =>
      fuse(
        'log-linear',
        { kind: 'logits', classes: 2, outputs },
        out,
        createFusionScratch(2, 2, { simd }),
      ),
    ).toThrow(/row 0 every class is ruled out/);
  });

  it('refuses outputs of different shapes, and bad arguments by kind', () => {
    const input = randomInput(seededRandom(5), 'logits', 2, ROWS, CLASSES);
    const short = { ...input, outputs: [input.outputs[0]!, input.outputs[1]!.subarray(1)] };
    expect(caught(() => fuseInto('weighted-mean', short, simd))).toBeInstanceOf(FusionError);
    const notFloat = { ...input, outputs: [input.outputs[0]!, new Float64Array(54)] };
    expect(() => fuseInto('weighted-mean', notFloat as unknown as FusionInput, simd)).toThrow(
      TypeError,
    );
    expect(() => fuseInto('weighted-mean', { ...input, weights: [1, -1] }, simd)).toThrow(
      RangeError,
    );
    expect(() => fuseInto('weighted-mean', { ...input, weights: [0, 0] }, simd)).toThrow(
      RangeError,
    );
    expect(() => fuseInto('weighted-mean', { ...input, weights: [1] }, simd)).toThrow(RangeError);
    expect(() => fuseInto('weighted-mean', { ...input, temperatures: [1, 0] }, simd)).toThrow(
      RangeError,
    );
    const probs = { ...input, kind: 'probs' as const, temperatures: [1, 2] };
    expect(() => fuseInto('weighted-mean', probs, simd)).toThrow(
      /kind 'probs' takes no temperature/,
    );
    const out = { distribution: new Float32Array(5), argmax: new Int32Array(ROWS) };
    expect(() => fuse('log-mean', input, out, createFusionScratch(CLASSES, 2))).toThrow(RangeError);
    const fits = { distribution: new Float32Array(ROWS * CLASSES), argmax: new Int32Array(ROWS) };
    expect(() => fuse('log-mean', input, fits, createFusionScratch(CLASSES - 1, 2))).toThrow(
      /scratch holds 8 classes/,
    );
  });
});
