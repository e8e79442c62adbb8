import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { classifier } from '../src/models/index.js';
import { seededFloats, startRuntime } from './support/runtime.js';

describe('a model actor', () => {
  it('returns what ONNX Runtime computes on the calling thread, and frees its arena memory', async () => {
    const model = classifier({ seed: 7, inputSize: 16, hidden: 32, classes: 5 });
    const runtime = await startRuntime();
    const actor = await runtime.spawnModel('clf', { model: model.bytes });
    const features = seededFloats(1, 3 * 16);

    const outputs = await actor.run({
      features: { dtype: 'float32', dims: [3, 16], data: features },
    });

    const session = await ort.InferenceSession.create(model.bytes);
    const reference = await session.run({
      features: new ort.Tensor('float32', features.slice(), [3, 16]),
    });
    expect(outputs.logits?.dims).toEqual([3, 5]);
    expect(Array.from(outputs.logits?.data as Float32Array)).toEqual(
      Array.from(reference.logits!.data as Float32Array),
    );
    expect(runtime.arena.stats().bytesInUse).toBe(0);
  });

  it('reports its inputs and outputs as the model declares them', async () => {
    const runtime = await startRuntime();
    const actor = await runtime.spawnModel('clf', {
      model: classifier({ seed: 1, inputSize: 8, classes: 3 }).bytes,
    });
    expect(actor.inputs).toEqual([{ name: 'features', dtype: 'float32', shape: ['batch', 8] }]);
    expect(actor.outputs).toEqual([{ name: 'logits', dtype: 'float32', shape: ['batch', 3] }]);
  });

  it('copies each input once into the worker and each output once into the arena, and counts the bytes', async () => {
    const runtime = await startRuntime();
    const actor = await runtime.spawnModel('clf', {
      model: classifier({ seed: 2, inputSize: 64, classes: 10 }).bytes,
    });
    const feed = runtime.arena.writeTensor('float32', [4, 64], seededFloats(3, 4 * 64));
    const result = await actor.runShared({ features: feed });
    expect(result.stats.copiedIn).toBe(4 * 64 * 4);
    expect(result.stats.copiedOut).toBe(4 * 10 * 4);
    expect(actor.stats()).toMatchObject({ runs: 1, copiedIn: 1024, copiedOut: 160 });
    runtime.arena.release(result.outputs.logits!);
    runtime.arena.release(feed);
  });
});
