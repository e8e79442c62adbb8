import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { classifier } from '../src/models/index.js';
import { ensemble } from '../src/plans/builders.js';
import { referenceRun, softmaxRows } from './support/reference.js';
import { seededFloats, startRuntime } from './support/runtime.js';

describe('an ensemble plan', () => {
  it('fuses K classifiers by weighted mean of probabilities, as computed directly with onnxruntime-node', async () => {
    const models = [21, 22, 23].map((seed) =>
      classifier({ seed, inputSize: 16, hidden: 32, classes: 6 }),
    );
    const runtime = await startRuntime();
    await Promise.all(models.map((m, k) => runtime.spawnModel(`clf${k}`, { model: m.bytes })));
    const weights = [0.5, 0.3, 0.2];
    const plan = ensemble({
      name: 'vote',
      models: ['clf0', 'clf1', 'clf2'],
      input: 'features',
      output: 'logits',
      fusion: { strategy: 'mean', kind: 'logits', weights },
    });
    const features = seededFloats(9, 4 * 16);

    const result = await runtime.run(plan, {
      features: { dtype: 'float32', dims: [4, 16], data: features },
    });

    const expected = new Float64Array(4 * 6);
    for (let k = 0; k < 3; k++) {
      const out = await referenceRun(models[k]!.bytes, {
        features: new ort.Tensor('float32', features.slice(), [4, 16]),
      });
      const probs = softmaxRows(out.logits!.data as Float32Array, 6);
      for (let i = 0; i < expected.length; i++) expected[i]! += weights[k]! * probs[i]!;
    }
    const fused = result.outputs.fused!;
    expect(fused.dims).toEqual([4, 6]);
    const got = Array.from(fused.data as Float32Array);
    got.forEach((value, i) => expect(value).toBeCloseTo(expected[i]!, 5));
    expect(runtime.arena.stats().bytesInUse).toBe(0);
  });

  it('fuses by log-linear combination (weighted sum of log-probabilities, renormalised)', async () => {
    const models = [31, 32].map((seed) =>
      classifier({ seed, inputSize: 8, hidden: 16, classes: 4 }),
    );
    const runtime = await startRuntime();
    await Promise.all(models.map((m, k) => runtime.spawnModel(`c${k}`, { model: m.bytes })));
    const plan = ensemble({
      name: 'll',
      models: ['c0', 'c1'],
      input: 'features',
      output: 'logits',
      fusion: { strategy: 'log-linear', weights: [2, 1] },
    });
    const features = seededFloats(4, 2 * 8);
    const result = await runtime.run(plan, {
      features: { dtype: 'float32', dims: [2, 8], data: features },
    });

    const logp = await Promise.all(
      models.map(async (m) => {
        const out = await referenceRun(m.bytes, {
          features: new ort.Tensor('float32', features.slice(), [2, 8]),
        });
        return softmaxRows(out.logits!.data as Float32Array, 4).map(Math.log);
      }),
    );
    for (let r = 0; r < 2; r++) {
      const s = [0, 1, 2, 3].map(
        (j) => (2 / 3) * logp[0]![r * 4 + j]! + (1 / 3) * logp[1]![r * 4 + j]!,
      );
      const norm = Math.log(s.reduce((a, x) => a + Math.exp(x), 0));
      s.forEach((x, j) =>
        expect((result.outputs.fused!.data as Float32Array)[r * 4 + j]).toBeCloseTo(x - norm, 5),
      );
    }
  });

  it('traces each model: time, weight, and agreement with the fused output', async () => {
    const models = [41, 42, 43].map((seed) =>
      classifier({ seed, inputSize: 8, hidden: 16, classes: 5 }),
    );
    const runtime = await startRuntime();
    await Promise.all(models.map((m, k) => runtime.spawnModel(`m${k}`, { model: m.bytes })));
    const plan = ensemble({
      name: 'traced',
      models: ['m0', 'm1', 'm2'],
      input: 'features',
      output: 'logits',
      fusion: { strategy: 'mean', weights: [1, 1, 2] },
    });
    const { trace } = await runtime.run(plan, {
      features: { dtype: 'float32', dims: [32, 8], data: seededFloats(8, 256) },
    });
    expect(trace.plan).toBe('traced');
    expect(trace.rounds).toHaveLength(1);
    const steps = trace.rounds[0]!.steps;
    expect(steps.map((s) => s.actor)).toEqual(['m0', 'm1', 'm2']);
    expect(steps.map((s) => s.weight)).toEqual([0.25, 0.25, 0.5]);
    for (const step of steps) {
      expect(step.status).toBe('ok');
      expect(step.ms).toBeGreaterThan(0);
      expect(step.agreement).toBeGreaterThanOrEqual(0);
      expect(step.agreement).toBeLessThanOrEqual(1);
      expect(step.divergence).toBeGreaterThanOrEqual(0);
    }
    // The heaviest model pulls the fused output towards itself.
    expect(steps[2]!.divergence!).toBeLessThan(
      Math.max(steps[0]!.divergence!, steps[1]!.divergence!),
    );
    expect(trace.rounds[0]!.fusion).toMatchObject({ strategy: 'mean', inputs: 3 });
  });
});
