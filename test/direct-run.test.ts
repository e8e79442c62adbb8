import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { openSession } from '../src/engines/onnx/direct-run.js';
import { classifier } from '../src/models/index.js';
import { seededFloats } from './support/runtime.js';

describe("a session's direct run", () => {
  it('reaches the native session of the installed onnxruntime-node (an upgrade that moves it fails here)', async () => {
    const model = classifier({ seed: 5, inputSize: 8, classes: 3 });
    const { session, runNow } = await openSession(model.bytes, {});
    expect(runNow).toBeTypeOf('function');
    expect(session.inputNames).toEqual(['features']);
    expect(session.outputNames).toEqual(['logits']);
    await session.release();
  });

  it('returns, on the same turn, what the public run returns, value for value', async () => {
    const model = classifier({ seed: 9, inputSize: 16, hidden: 32, classes: 5, layers: 2 });
    const features = seededFloats(3, 4 * 16);
    const { session, runNow } = await openSession(model.bytes, { intraOpNumThreads: 1 });
    const reference = await session.run({
      features: new ort.Tensor('float32', features.slice(), [4, 16]),
    });

    let settled = false;
    const direct = runNow!({ features: new ort.Tensor('float32', features.slice(), [4, 16]) });
    void Promise.resolve().then(() => {
      settled = true;
    });

    expect(settled).toBe(false);
    expect(Object.keys(direct)).toEqual(['logits']);
    expect(direct.logits).toBeInstanceOf(ort.Tensor);
    expect(direct.logits!.dims).toEqual([4, 5]);
    expect(Array.from(direct.logits!.data as Float32Array)).toEqual(
      Array.from(reference.logits!.data as Float32Array),
    );
    await session.release();
  });

  it('throws ONNX Runtime’s error for feeds the model refuses, and stays usable', async () => {
    const model = classifier({ seed: 2, inputSize: 8, classes: 3 });
    const { session, runNow } = await openSession(model.bytes, {});
    expect(() =>
      runNow!({ features: new ort.Tensor('float32', new Float32Array(5), [1, 5]) }),
    ).toThrow(/features|dimension|shape/i);
    const ok = runNow!({ features: new ort.Tensor('float32', new Float32Array(8), [1, 8]) });
    expect(ok.logits!.dims).toEqual([1, 3]);
    await session.release();
  });

  it('takes each session’s own native session when a thread opens several one after another', async () => {
    const small = classifier({ seed: 3, inputSize: 4, classes: 2 });
    const large = classifier({ seed: 4, inputSize: 6, classes: 7 });
    const first = await openSession(small.bytes, {});
    const second = await openSession(large.bytes, {});
    const a = first.runNow!({ features: new ort.Tensor('float32', new Float32Array(4), [1, 4]) });
    const b = second.runNow!({ features: new ort.Tensor('float32', new Float32Array(6), [1, 6]) });
    expect(a.logits!.dims).toEqual([1, 2]);
    expect(b.logits!.dims).toEqual([1, 7]);
    await first.session.release();
    await second.session.release();
  });
});
