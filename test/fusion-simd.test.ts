import { describe, expect, it } from 'vitest';
import {
  createFusionScratch,
  type FusionInput,
  fuseLogLinear,
  fuseLogMean,
  fuseMajorityVote,
  fuseMaxConfidence,
  fuseWeightedMean,
} from '../src/engines/fusion/kernels/index.js';
import { SIMD_EXP_FLOOR, simdModule } from '../src/engines/fusion/kernels/simd/simd-module.js';
import { webAssembly } from '../src/engines/fusion/kernels/simd/wasm-api.js';
import { seededRandom } from '../src/util/mulberry32.js';
import { largestError, randomInput, referenceWeightedMean } from './fixtures/fusion-reference.js';

type RowExp = (
  src: number,
  dst: number,
  rows: number,
  classes: number,
  maxIn: number,
  invT: number,
  sumOut: number,
) => void;

/** exp of each value through the module's rowExp (row max 0, temperature 1). */
function simdExp(values: Float32Array): { exp: Float32Array; sum: number } {
  const wasm = webAssembly()!;
  const memory = new wasm.Memory({ initial: Math.ceil((values.length * 8 + 64) / 65536) + 1 });
  const instance = new wasm.Instance(simdModule()!, { env: { memory } });
  const rowExp = instance.exports.rowExp as unknown as RowExp;
  const floats = new Float32Array(memory.buffer);
  floats.set(values);
  const dst = values.length * 4;
  const max = dst * 2;
  floats[max / 4] = 0;
  rowExp(0, dst, 1, values.length, max, 1, max + 8);
  return {
    exp: floats.slice(values.length, 2 * values.length),
    sum: new Float64Array(memory.buffer, max + 8, 1)[0]!,
  };
}

type RowLog = (
  src: number,
  dst: number,
  rows: number,
  classes: number,
  threshold: number,
  countOut: number,
) => void;

/** log of each value through the module's rowLog, and how many were below `threshold`. */
function simdLog(values: Float32Array, threshold: number): { log: Float32Array; small: number } {
  const wasm = webAssembly()!;
  const memory = new wasm.Memory({ initial: Math.ceil((values.length * 8 + 64) / 65536) + 1 });
  const instance = new wasm.Instance(simdModule()!, { env: { memory } });
  const rowLog = instance.exports.rowLog as unknown as RowLog;
  const floats = new Float32Array(memory.buffer);
  floats.set(values);
  const dst = values.length * 4;
  rowLog(0, dst, 1, values.length, threshold, dst * 2);
  return {
    log: floats.slice(values.length, 2 * values.length),
    small: new Int32Array(memory.buffer, dst * 2, 1)[0]!,
  };
}

function fusedBoth(fuse: typeof fuseWeightedMean, input: FusionInput) {
  const rows = input.outputs[0]!.length / input.classes;
  const make = () => ({
    distribution: new Float32Array(rows * input.classes),
    argmax: new Int32Array(rows),
  });
  const simd = make();
  const scalar = make();
  const k = input.outputs.length;
  fuse(input, simd, createFusionScratch(input.classes, k));
  fuse(input, scalar, createFusionScratch(input.classes, k, { simd: false }));
  return { simd, scalar };
}

describe('WebAssembly SIMD fusion path', () => {
  it('is available on this Node, so the fast path is what the other tests exercise', () => {
    expect(simdModule()).not.toBeNull();
    expect(createFusionScratch(10, 2).simd).not.toBeNull();
    expect(createFusionScratch(10, 2, { simd: false }).simd).toBeNull();
  });

  it('computes exp within 1e-6 relative over [-87, 0], 0 below and at -Infinity', () => {
    const random = seededRandom(111);
    const values = Float32Array.from({ length: 40_001 }, (_, i) =>
      i % 2 ? -87 * random() : -3 * random(),
    );
    const { exp, sum } = simdExp(values);
    let worst = 0;
    let exactSum = 0;
    for (let i = 0; i < values.length; i++) {
      const exact = Math.exp(values[i]!);
      exactSum += exact;
      worst = Math.max(worst, Math.abs(exp[i]! - exact) / exact);
    }
    expect(worst).toBeLessThan(1e-6);
    expect(Math.abs(sum - exactSum) / exactSum).toBeLessThan(1e-6);
    const edges = simdExp(
      Float32Array.from([0, SIMD_EXP_FLOOR - 0.01, -200, Number.NEGATIVE_INFINITY, -1]),
    );
    expect(Array.from(edges.exp.subarray(0, 4))).toEqual([1, 0, 0, 0]);
  });

  it('computes log within 1e-6 (relative above 1) over [1e-37, 1], and counts small values', () => {
    const random = seededRandom(114);
    const values = Float32Array.from({ length: 40_003 }, (_, i) =>
      i % 2 ? 10 ** (-37 * random()) : 0.5 + random(),
    );
    const { log, small } = simdLog(values, 1e-30);
    let worst = 0;
    let below = 0;
    for (let i = 0; i < values.length; i++) {
      const exact = Math.log(values[i]!);
      worst = Math.max(worst, Math.abs(log[i]! - exact) / Math.max(1, Math.abs(exact)));
      if (values[i]! < 1e-30) below++;
    }
    expect(worst).toBeLessThan(1e-6);
    expect(small).toBe(below);
    expect(below).toBeGreaterThan(0);
  });

  it('agrees with the scalar kernels for odd row lengths, many chunks and more than 4 models, in every strategy', () => {
    const random = seededRandom(112);
    for (const classes of [1, 2, 3, 5, 7, 13, 4099]) {
      const rows = classes === 4099 ? 9 : 700;
      const input = randomInput(random, 'logits', 6, rows, classes, {
        // Few classes and many models would often leave log-linear no class at all.
        impossible: classes >= 13 ? 0.1 : 0,
        weights: [1, 0.5, 0, 2, 1, 0.25],
        temperatures: [1, 2, 1, 0.5, 1.5, 1],
      });
      for (const fuse of [
        fuseWeightedMean,
        fuseLogLinear,
        fuseLogMean,
        fuseMajorityVote,
        fuseMaxConfidence,
      ]) {
        const { simd, scalar } = fusedBoth(fuse, input);
        expect(largestError(simd.distribution, [Array.from(scalar.distribution)])).toBeLessThan(
          1e-5,
        );
        expect(Array.from(simd.argmax)).toEqual(Array.from(scalar.argmax));
      }
      const probs = randomInput(random, 'probs', 5, rows, classes, { weights: [1, 2, 3, 0, 1] });
      const { simd } = fusedBoth(fuseWeightedMean, probs);
      expect(
        largestError(simd.distribution, referenceWeightedMean(probs).distribution),
      ).toBeLessThan(1e-5);
    }
  });

  it('serves a call with fewer classes than the scratch was made for', () => {
    const scratch = createFusionScratch(64, 3);
    const input = randomInput(seededRandom(113), 'logits', 3, 1000, 10);
    const out = { distribution: new Float32Array(10_000), argmax: new Int32Array(1000) };
    fuseWeightedMean(input, out, scratch);
    expect(largestError(out.distribution, referenceWeightedMean(input).distribution)).toBeLessThan(
      1e-5,
    );
  });
});
