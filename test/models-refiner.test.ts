import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { refiner, refinerWeights } from '../src/models/index.js';
import { SeededRandom } from '../src/util/random.js';

const size = 64;
const batch = 2;

interface Round {
  readonly refined: Float32Array;
  readonly confidence: Float32Array;
}

async function step(
  session: ort.InferenceSession,
  source: Float32Array,
  previous: Float32Array,
): Promise<Round> {
  const result = await session.run({
    source: new ort.Tensor('float32', source, [batch, size]),
    previous: new ort.Tensor('float32', previous, [batch, size]),
  });
  expect(result.refined!.dims).toEqual([batch, size]);
  expect(result.confidence!.dims).toEqual([batch, 1]);
  return {
    refined: result.refined!.data as Float32Array,
    confidence: result.confidence!.data as Float32Array,
  };
}

describe('refiner model', () => {
  const source = new SeededRandom(99).fillNormal(new Float32Array(batch * size));

  it('computes previous + alpha·tanh(target − previous) and a confidence from the correction', async () => {
    const options = { seed: 5, size, hidden: 32 };
    const { bytes, description } = refiner(options);
    expect(description.inputs.map((i) => [i.name, i.dims])).toEqual([
      ['source', ['batch', size]],
      ['previous', ['batch', size]],
    ]);
    expect(description.outputs.map((o) => [o.name, o.dims])).toEqual([
      ['refined', ['batch', size]],
      ['confidence', ['batch', 1]],
    ]);
    const w = refinerWeights(options);
    const previous = new SeededRandom(1).fillNormal(new Float32Array(batch * size), 0.5);
    const session = await ort.InferenceSession.create(bytes);
    const { refined, confidence } = await step(session, source, previous);
    await session.release();

    for (let b = 0; b < batch; b++) {
      const h = new Float64Array(32);
      for (let j = 0; j < 32; j++) {
        let sum = w.encoder.bias[j]!;
        for (let k = 0; k < size; k++) sum += source[b * size + k]! * w.encoder.weight[k * 32 + j]!;
        h[j] = Math.tanh(sum);
      }
      let squares = 0;
      for (let i = 0; i < size; i++) {
        let target = w.target.bias[i]!;
        for (let j = 0; j < 32; j++) target += h[j]! * w.target.weight[j * size + i]!;
        const p = previous[b * size + i]!;
        const correction = w.alpha * Math.tanh(target - p);
        squares += correction * correction;
        expect(refined[b * size + i]).toBeCloseTo(p + correction, 5);
      }
      const logit = w.confidenceBias + w.confidenceSlope * Math.sqrt(squares);
      expect(confidence[b]).toBeCloseTo(1 / (1 + Math.exp(-logit)), 5);
    }
  });

  it('gains confidence round after round when run on its own output, and passes 0.9', async () => {
    const session = await ort.InferenceSession.create(refiner({ seed: 1 }).bytes);
    let previous: Float32Array = source;
    const confidences: number[][] = [];
    for (let round = 0; round < 20; round++) {
      const out = await step(session, source, previous);
      confidences.push(Array.from(out.confidence));
      previous = out.refined;
    }
    await session.release();
    for (let b = 0; b < batch; b++) {
      const series = confidences.map((c) => c[b]!);
      expect(series[0]).toBeLessThan(0.5);
      series.slice(1).forEach((c, i) => {
        expect(c).toBeGreaterThan(series[i]!);
      });
      expect(series.findIndex((c) => c > 0.9)).toBeGreaterThan(2);
      expect(series.at(-1)).toBeGreaterThan(0.9);
    }
  });

  it('settles a cascade of different refiners of one task seed', async () => {
    const sessions = await Promise.all(
      [11, 12, 13].map((seed) => ort.InferenceSession.create(refiner({ seed, taskSeed: 7 }).bytes)),
    );
    let previous: Float32Array = source;
    let first: Float32Array | undefined;
    let last: Float32Array | undefined;
    for (let round = 0; round < 24; round++) {
      const out = await step(sessions[round % sessions.length]!, source, previous);
      first ??= out.confidence;
      last = out.confidence;
      previous = out.refined;
    }
    await Promise.all(sessions.map((s) => s.release()));
    for (let b = 0; b < batch; b++) {
      expect(first![b]).toBeLessThan(0.5);
      expect(last![b]).toBeGreaterThan(0.9);
    }
  });

  it('pulls refiners of different task seeds towards different targets', () => {
    const a = refinerWeights({ seed: 1, taskSeed: 1 });
    const b = refinerWeights({ seed: 1, taskSeed: 2 });
    const sameTask = refinerWeights({ seed: 2, taskSeed: 1 });
    const distance = (x: Float32Array, y: Float32Array) =>
      Math.sqrt(x.reduce((s, v, i) => s + (v - y[i]!) ** 2, 0) / x.length);
    const rms = (x: Float32Array) => Math.sqrt(x.reduce((s, v) => s + v * v, 0) / x.length);
    // Same task: about `spread` (0.1) of the weights' size apart; other task: unrelated.
    expect(distance(a.target.weight, sameTask.target.weight)).toBeLessThan(
      0.2 * rms(a.target.weight),
    );
    expect(distance(a.target.weight, b.target.weight)).toBeGreaterThan(rms(a.target.weight));
    expect(() => refiner({ seed: 1, alpha: 0 })).toThrow(/alpha must be greater than 0/);
  });
});
