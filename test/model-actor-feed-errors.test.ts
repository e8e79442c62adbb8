import { describe, expect, it } from 'vitest';
import { FeedError } from '../src/errors.js';
import { classifier, nextTokenModel } from '../src/models/index.js';
import { startRuntime } from './support/runtime.js';

describe('feeds are checked against the model before ONNX Runtime sees them', () => {
  async function actor() {
    const runtime = await startRuntime();
    return runtime.spawnModel('clf', {
      model: classifier({ seed: 1, inputSize: 8, classes: 3 }).bytes,
    });
  }
  const good = { dtype: 'float32' as const, dims: [2, 8], data: new Float32Array(16) };

  it('a missing input names the actor and the input', async () => {
    const clf = await actor();
    await expect(clf.run({})).rejects.toThrow(FeedError);
    await expect(clf.run({})).rejects.toThrow(
      /actor "clf": missing input "features" \(float32 \[batch, 8\]\)/,
    );
  });

  it('an unknown input lists the real ones', async () => {
    const clf = await actor();
    await expect(clf.run({ features: good, extra: good })).rejects.toThrow(
      /actor "clf": unknown input "extra"; the model's inputs are "features"/,
    );
  });

  it('a wrong dtype says what was expected and what came', async () => {
    const clf = await actor();
    await expect(
      clf.run({ features: { dtype: 'float64', dims: [2, 8], data: new Float64Array(16) } }),
    ).rejects.toThrow(/input "features" expects dtype float32, got float64 \[2, 8\]/);
  });

  it('a wrong rank says so', async () => {
    const clf = await actor();
    await expect(
      clf.run({ features: { dtype: 'float32', dims: [16], data: new Float32Array(16) } }),
    ).rejects.toThrow(/input "features" expects rank 2 \[batch, 8\], got rank 1 \[16\]/);
  });

  it('a fixed dimension that does not match names the axis', async () => {
    const clf = await actor();
    await expect(
      clf.run({ features: { dtype: 'float32', dims: [2, 9], data: new Float32Array(18) } }),
    ).rejects.toThrow(/input "features" expects dimension 1 to be 8 \[batch, 8\], got 9 \[2, 9\]/);
  });

  it('an int64 model refuses int32 token ids', async () => {
    const runtime = await startRuntime();
    const lm = await runtime.spawnModel('lm', {
      model: nextTokenModel({ seed: 1, vocab: 50, context: 4 }).bytes,
    });
    await expect(
      lm.run({ tokens: { dtype: 'int32', dims: [1, 4], data: new Int32Array(4) } }),
    ).rejects.toThrow(/actor "lm": input "tokens" expects dtype int64, got int32/);
    const ok = await lm.run({
      tokens: { dtype: 'int64', dims: [1, 4], data: new BigInt64Array(4) },
    });
    expect(ok.logits?.dims).toEqual([1, 50]);
    expect(runtime.arena.stats().bytesInUse).toBe(0);
  });
});
