import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import {
  type BuiltModel,
  bigramModel,
  classifier,
  nextTokenModel,
  refiner,
  sizedModel,
} from '../src/models/index.js';
import { SeededRandom } from '../src/util/random.js';

const bigramLogits = new SeededRandom(0).fillNormal(new Float32Array(40 * 40));

/** Each builder at a small size, by seed. */
const builders: Record<string, (seed: number) => BuiltModel> = {
  classifier: (seed) => classifier({ seed, inputSize: 12, hidden: 16, classes: 5 }),
  'next-token': (seed) => nextTokenModel({ seed, vocab: 40, embed: 8, hidden: 16, context: 4 }),
  bigram: (seed) => bigramModel({ seed, vocab: 40, logits: bigramLogits, noise: 0.3, context: 4 }),
  refiner: (seed) => refiner({ seed, size: 12, hidden: 16 }),
  sized: (seed) => sizedModel({ seed, width: 12, layers: 3 }),
};

/** Seeded feeds for every input of a model, from its description. */
function feedsFor(model: BuiltModel): Record<string, ort.Tensor> {
  const random = new SeededRandom(123);
  const feeds: Record<string, ort.Tensor> = {};
  for (const spec of model.description.inputs) {
    const dims = spec.dims.map((d) => (typeof d === 'string' ? 2 : d));
    const length = dims.reduce((a, b) => a * b, 1);
    feeds[spec.name] =
      spec.dtype === 'int64'
        ? new ort.Tensor(
            'int64',
            BigInt64Array.from({ length }, () => BigInt(random.int(40))),
            dims,
          )
        : new ort.Tensor('float32', random.fillNormal(new Float32Array(length)), dims);
  }
  return feeds;
}

async function outputsOf(model: BuiltModel): Promise<Float32Array[]> {
  const session = await ort.InferenceSession.create(model.bytes);
  const result = await session.run(feedsFor(model));
  await session.release();
  return model.description.outputs.map((spec) => result[spec.name]!.data as Float32Array);
}

describe('model builders are deterministic in their seed', () => {
  for (const [kind, build] of Object.entries(builders)) {
    it(`${kind}: the same seed gives identical bytes, another seed other outputs`, async () => {
      const a = build(1);
      expect(Buffer.from(build(1).bytes).equals(Buffer.from(a.bytes))).toBe(true);
      expect(build(1).description).toEqual(a.description);
      const b = build(2);
      expect(Buffer.from(b.bytes).equals(Buffer.from(a.bytes))).toBe(false);
      const [outA, outB] = await Promise.all([outputsOf(a), outputsOf(b)]);
      // The first output (logits, refined, output) carries the model's computation.
      expect(outA[0]!.length).toBe(outB[0]!.length);
      expect(outA[0]).not.toEqual(outB[0]);
    });
  }
});
