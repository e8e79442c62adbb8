import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { nextTokenModel, PAD_TOKEN } from '../src/models/index.js';
import { readModelInitializers } from '../src/onnx/index.js';
import { SeededRandom } from '../src/util/random.js';

const vocab = 300;
const embed = 16;
const hidden = 24;
const context = 5;

function weight(
  initializers: ReturnType<typeof readModelInitializers>,
  name: string,
): Float32Array {
  const tensor = initializers.get(name);
  if (tensor?.dtype !== 'float32') throw new Error(`model has no float32 initializer "${name}"`);
  return tensor.data;
}

describe('next-token model', () => {
  it('maps left-padded token ids to next-token logits, as a plain forward pass over its weights does', async () => {
    const { bytes, description } = nextTokenModel({ seed: 9, vocab, embed, hidden, context });
    expect(description.inputs).toEqual([
      { name: 'tokens', dtype: 'int64', dims: ['batch', context] },
    ]);
    expect(description.outputs).toEqual([
      { name: 'logits', dtype: 'float32', dims: ['batch', vocab] },
    ]);

    const init = readModelInitializers(bytes);
    const embedding = weight(init, 'embedding');
    const w1 = weight(init, 'hidden.weight');
    const b1 = weight(init, 'hidden.bias');
    const w2 = weight(init, 'readout.weight');
    const b2 = weight(init, 'readout.bias');
    // The pad row is zero, so padding contributes nothing to the window.
    expect(
      embedding.subarray(PAD_TOKEN * embed, (PAD_TOKEN + 1) * embed).every((v) => v === 0),
    ).toBe(true);

    const random = new SeededRandom(4);
    const batch = 3;
    const tokens = new BigInt64Array(batch * context);
    for (let b = 0; b < batch; b++) {
      // Row b is left-padded with b pad tokens.
      for (let t = b; t < context; t++) tokens[b * context + t] = BigInt(1 + random.int(vocab - 1));
    }
    const session = await ort.InferenceSession.create(bytes);
    const result = await session.run({ tokens: new ort.Tensor('int64', tokens, [batch, context]) });
    await session.release();
    expect(result.logits!.dims).toEqual([batch, vocab]);
    const logits = result.logits!.data as Float32Array;

    for (let b = 0; b < batch; b++) {
      const window = new Float64Array(context * embed);
      for (let t = 0; t < context; t++) {
        const id = Number(tokens[b * context + t]);
        for (let e = 0; e < embed; e++) window[t * embed + e] = embedding[id * embed + e]!;
      }
      const h = new Float64Array(hidden);
      for (let j = 0; j < hidden; j++) {
        let sum = b1[j]!;
        for (let k = 0; k < window.length; k++) sum += window[k]! * w1[k * hidden + j]!;
        h[j] = Math.tanh(sum);
      }
      for (let v = 0; v < vocab; v++) {
        let sum = b2[v]!;
        for (let j = 0; j < hidden; j++) sum += h[j]! * w2[j * vocab + v]!;
        const got = logits[b * vocab + v]!;
        if (Math.abs(got - sum) > 1e-4 + 1e-4 * Math.abs(sum)) {
          expect.fail(`logits[${b}, ${v}] = ${got}, expected ${sum}`);
        }
      }
    }
  });

  it('tells positions apart: the same tokens in another order give other logits', async () => {
    const session = await ort.InferenceSession.create(
      nextTokenModel({ seed: 2, vocab, embed, hidden, context }).bytes,
    );
    const tokens = new BigInt64Array([0n, 5n, 6n, 7n, 8n, 0n, 8n, 7n, 6n, 5n]);
    const result = await session.run({ tokens: new ort.Tensor('int64', tokens, [2, context]) });
    await session.release();
    const logits = result.logits!.data as Float32Array;
    const first = logits.subarray(0, vocab);
    const second = logits.subarray(vocab);
    const distance = first.reduce((a, v, i) => a + Math.abs(v - second[i]!), 0) / vocab;
    expect(distance).toBeGreaterThan(0.1);
  });

  it('builds the default shape: vocabulary 4000, context 8', () => {
    const { description, bytes } = nextTokenModel({ seed: 0 });
    expect(description.params).toEqual({
      seed: 0,
      vocab: 4000,
      embed: 64,
      hidden: 128,
      context: 8,
    });
    // 4000×64 embedding, 512×128 hidden, 128×4000 readout in float32, plus biases.
    expect(bytes.byteLength).toBeGreaterThan((4000 * 64 + 512 * 128 + 128 * 4000) * 4);
    expect(() => nextTokenModel({ seed: 0, vocab: 1 })).toThrow(/vocab must be an integer >= 2/);
  });
});
