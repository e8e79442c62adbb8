import { describe, expect, it } from 'vitest';
import { ActorStoppedError } from '../src/errors.js';
import { GPT2_DIR } from './support/gpt2-plain-loop.js';
import { startRuntime } from './support/runtime.js';
import { slowPlan, spawnSlowStep } from './support/slow-step.js';

describe("a decoder, once the runtime's close() began", () => {
  it('refuses open, step, reorder and rewind with ActorStoppedError while an admitted run finishes', async () => {
    const runtime = await startRuntime();
    await spawnSlowStep(runtime);
    const decoder = await runtime.spawnDecoder('gpt2', { folder: GPT2_DIR });
    const opened = await decoder.open([1, 2, 3]);
    const admitted = runtime.run(slowPlan, {
      in: { dtype: 'float32', dims: [1], data: new Float32Array([1]) },
    });
    const closed = runtime.close(10_000);

    const direct = [
      decoder.open([4, 5]),
      decoder.step(opened.sequence, [6]),
      decoder.reorder(opened.sequence, [0, 0]),
      decoder.rewind(opened.sequence, 1),
    ];
    for (const call of direct) await expect(call).rejects.toBeInstanceOf(ActorStoppedError);
    await expect(decoder.open([4, 5])).rejects.toThrow(/open\(\) refused, the runtime is closing/);

    expect((await admitted).outputs.out!.data).toEqual(new Float32Array([1]));
    await closed;
  });
});
