import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { classifier, classifierWeights, type DenseLayer } from '../src/models/index.js';
import { SeededRandom } from '../src/util/random.js';

/** The classifier's forward pass in plain JavaScript, in float64. */
function forward(
  layers: readonly DenseLayer[],
  features: Float32Array,
  batch: number,
): Float64Array {
  let activations = Float64Array.from(features);
  layers.forEach((layer, index) => {
    const out = new Float64Array(batch * layer.outputs);
    for (let b = 0; b < batch; b++) {
      for (let j = 0; j < layer.outputs; j++) {
        let sum = layer.bias[j]!;
        for (let k = 0; k < layer.inputs; k++) {
          sum += activations[b * layer.inputs + k]! * layer.weight[k * layer.outputs + j]!;
        }
        const isReadout = index === layers.length - 1;
        out[b * layer.outputs + j] = isReadout ? sum : Math.max(0, sum);
      }
    }
    activations = out;
  });
  return activations;
}

describe('classifier model', () => {
  it('maps features [batch, inputSize] to logits [batch, classes] as declared', async () => {
    const { bytes, description } = classifier({ seed: 1, inputSize: 20, classes: 7 });
    expect(description.inputs).toEqual([
      { name: 'features', dtype: 'float32', dims: ['batch', 20] },
    ]);
    expect(description.outputs).toEqual([{ name: 'logits', dtype: 'float32', dims: ['batch', 7] }]);
    const session = await ort.InferenceSession.create(bytes);
    expect(session.inputMetadata).toEqual([
      { name: 'features', isTensor: true, type: 'float32', shape: ['batch', 20] },
    ]);
    const features = new SeededRandom(2).fillNormal(new Float32Array(5 * 20));
    const result = await session.run({ features: new ort.Tensor('float32', features, [5, 20]) });
    expect(result.logits!.dims).toEqual([5, 7]);
    expect(result.logits!.type).toBe('float32');
    await session.release();
  });

  for (const layers of [0, 1, 2, 3]) {
    it(`computes the same logits as a plain forward pass over its seeded weights (${layers} hidden layers)`, async () => {
      const options = { seed: 40 + layers, layers };
      const weights = classifierWeights(options);
      expect(weights.length).toBe(layers + 1);
      const session = await ort.InferenceSession.create(classifier(options).bytes);
      const batch = 4;
      const features = new SeededRandom(layers).fillNormal(new Float32Array(batch * 64));
      const result = await session.run({
        features: new ort.Tensor('float32', features, [batch, 64]),
      });
      await session.release();
      const logits = result.logits!.data as Float32Array;
      const expected = forward(weights, features, batch);
      expect(logits.length).toBe(batch * 10);
      let worst = 0;
      expected.forEach((e, i) => {
        worst = Math.max(worst, Math.abs(logits[i]! - e));
      });
      expect(worst).toBeLessThan(1e-4);
      // The logits are spread out enough that the classes are told apart.
      const spread = Math.sqrt(expected.reduce((a, v) => a + v * v, 0) / expected.length);
      expect(spread).toBeGreaterThan(0.5);
    });
  }

  it('refuses options out of range, naming them', () => {
    expect(() => classifier({ seed: 1, classes: 0 })).toThrow(
      /classes must be an integer >= 1, got 0/,
    );
    expect(() => classifier({ seed: 1, layers: -1 })).toThrow(
      expect.objectContaining({ code: 'ERR_ARGUMENT', argument: 'options.layers' }),
    );
    expect(() => classifier({ seed: 0.5 })).toThrow(/seed must be a safe integer/);
  });
});
