import { describe, expect, it } from 'vitest';
import { GPT2_DIR, loadGpt2, plainGreedy } from './support/gpt2-plain-loop.js';
import { startRuntime } from './support/runtime.js';

describe('greedy decoding on the real tiny-random-gpt2 folder', () => {
  it('gives the tokens and log-probability of a plain onnxruntime-node loop', async () => {
    const session = await loadGpt2();
    const runtime = await startRuntime();
    await runtime.spawnDecoder('gpt2', { folder: GPT2_DIR });
    for (const [prompt, maxLength] of [
      [[0, 0, 0, 52], 10],
      [[7, 300, 12], 40],
    ] as const) {
      const plain = await plainGreedy(session, prompt, maxLength);
      const [got] = await runtime.generate('gpt2', prompt, { maxLength });
      expect(got!.ids).toEqual(plain.ids);
      expect(got!.logprob).toBeCloseTo(plain.logprob, 3);
    }
  });
});
