import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { MODEL_SIZES, sizedModel } from '../src/models/index.js';
import { readModelInitializers } from '../src/onnx/index.js';
import { SeededRandom } from '../src/util/random.js';

describe('sized benchmark model', () => {
  it('cycles its distinct weight matrices through the layers, as a plain forward pass does', async () => {
    const width = 8;
    const layers = 5;
    const { bytes } = sizedModel({ seed: 3, width, layers, distinctWeights: 2 });
    const init = readModelInitializers(bytes);
    expect([...init.keys()].sort()).toEqual(['bias0', 'bias1', 'weight0', 'weight1']);
    const input = new SeededRandom(8).fillNormal(new Float32Array(width));
    const session = await ort.InferenceSession.create(bytes);
    const result = await session.run({ input: new ort.Tensor('float32', input, [1, width]) });
    await session.release();

    let x = Float64Array.from(input);
    for (let l = 0; l < layers; l++) {
      const w = init.get(`weight${l % 2}`)!.data as Float32Array;
      const b = init.get(`bias${l % 2}`)!.data as Float32Array;
      x = Float64Array.from({ length: width }, (_, j) => {
        let sum = b[j]!;
        for (let k = 0; k < width; k++) sum += x[k]! * w[k * width + j]!;
        return Math.tanh(sum);
      });
    }
    const output = result.output!.data as Float32Array;
    x.forEach((e, j) => {
      expect(output[j]).toBeCloseTo(e, 5);
    });
  });

  for (const [name, size] of Object.entries(MODEL_SIZES)) {
    it(`runs the ${name} preset (${size.width} wide, ${size.layers} layers) at batch 1 and batch 3`, async () => {
      const { bytes, description } = sizedModel({ seed: 1, ...size });
      expect(description.inputs).toEqual([
        { name: 'input', dtype: 'float32', dims: ['batch', size.width] },
      ]);
      const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1 });
      for (const batch of [1, 3]) {
        const input = new SeededRandom(batch).fillNormal(new Float32Array(batch * size.width));
        const result = await session.run({
          input: new ort.Tensor('float32', input, [batch, size.width]),
        });
        const output = result.output!.data as Float32Array;
        expect(result.output!.dims).toEqual([batch, size.width]);
        // However deep, activations stay bounded and alive: no overflow, no collapse to zero.
        const rms = Math.sqrt(output.reduce((a, v) => a + v * v, 0) / output.length);
        expect(rms).toBeGreaterThan(0.1);
        expect(rms).toBeLessThan(1);
      }
      await session.release();
    });
  }

  it('refuses more distinct weights than layers', () => {
    expect(() => sizedModel({ seed: 1, width: 4, layers: 2, distinctWeights: 3 })).toThrow(
      /distinctWeights must be at most layers \(2\), got 3/,
    );
  });
});
