import { describe, expect, it } from 'vitest';
import { FeedError } from '../src/errors.js';
import { GPT2_DIR } from './support/gpt2-plain-loop.js';
import { startRuntime } from './support/runtime.js';

describe("a decoder's context length", () => {
  it('refuses positions past the context length before the model sees them', async () => {
    const runtime = await startRuntime();
    const decoder = await runtime.spawnDecoder('gpt2', { folder: GPT2_DIR });
    const full = Array.from({ length: 512 }, (_, i) => i % 1000);
    await expect(decoder.open([...full, 1])).rejects.toThrow(
      /past the model's context length of 512/,
    );
    const opened = await decoder.open(full);
    await expect(decoder.step(opened.sequence, [1])).rejects.toBeInstanceOf(FeedError);
  });
});
