import { describe, expect, it } from 'vitest';
import { ArgumentError, BatchingError } from '../src/errors.js';
import { sizedModel } from '../src/models/index.js';
import { GraphBuilder } from '../src/onnx/graph-builder.js';
import { startRuntime } from './support/runtime.js';

/** `x` float32 [2, 4] → `y`: a fixed first dimension, which cannot be stacked. */
function fixedBatchModel(): Uint8Array {
  return new GraphBuilder('fixed')
    .input('x', 'float32', [2, 4])
    .output('y', 'float32', [2, 4])
    .node('Identity', ['x'], ['y'])
    .toBytes();
}

describe('dynamic batching is refused where it cannot work', () => {
  it('rejects a model whose input has a fixed first dimension with BatchingError naming the input', async () => {
    const runtime = await startRuntime();
    const spawning = runtime.spawnModel('fixed', {
      model: fixedBatchModel(),
      batching: { maxBatch: 4, maxDelayMs: 1 },
    });
    await expect(spawning).rejects.toThrow(BatchingError);
    await expect(spawning).rejects.toMatchObject({
      code: 'ERR_BATCHING',
      message: expect.stringMatching(/input "x" \(float32 \[2, 4\]\).*free first dimension/),
    });
    // The model itself is fine: without batching it runs.
    const plain = await runtime.spawnModel('plain', { model: fixedBatchModel() });
    expect(plain.inputs[0]!.shape).toEqual([2, 4]);
  });

  it('rejects out-of-range batching options with ArgumentError naming the option', async () => {
    const runtime = await startRuntime();
    const model = sizedModel({ seed: 1, width: 8, layers: 1 }).bytes;
    await expect(
      runtime.spawnModel('zero', { model, batching: { maxBatch: 0, maxDelayMs: 1 } }),
    ).rejects.toThrow(ArgumentError);
    await expect(
      runtime.spawnModel('negative', { model, batching: { maxBatch: 4, maxDelayMs: -1 } }),
    ).rejects.toThrow(/options.batching.maxDelayMs must be a finite number ≥ 0, got -1/);
  });
});
