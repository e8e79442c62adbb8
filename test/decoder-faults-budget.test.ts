import { describe, expect, it } from 'vitest';
import { DecoderBudgetError } from '../src/errors.js';
import { GPT2_DIR } from './support/gpt2-plain-loop.js';
import { startRuntime } from './support/runtime.js';

describe('a decoder byte budget', () => {
  it('refuses the step that would pass it with DecoderBudgetError and leaves the sequence usable', async () => {
    const runtime = await startRuntime();
    const probe = await runtime.spawnDecoder('probe', { folder: GPT2_DIR });
    const perToken = probe.bytesPerToken;
    // Room for one row of 6 positions.
    const decoder = await runtime.spawnDecoder('gpt2', {
      folder: GPT2_DIR,
      budgetBytes: 6 * perToken,
    });
    const opened = await decoder.open([0, 0, 0, 52]);
    expect(decoder.bytes).toBe(4 * perToken);
    await expect(decoder.open([1, 2, 3])).rejects.toBeInstanceOf(DecoderBudgetError);
    await expect(decoder.reorder(opened.sequence, [0, 0])).rejects.toThrow(DecoderBudgetError);
    const fifth = await decoder.step(opened.sequence, [5]);
    const sixth = await decoder.step(fifth.sequence, [6]);
    expect(decoder.bytes).toBe(6 * perToken);
    await expect(decoder.step(sixth.sequence, [7])).rejects.toThrow(/over its budget of/);
    // Refused, not broken: after a rewind the same sequence steps again.
    const back = await decoder.rewind(sixth.sequence, 1);
    const again = await decoder.step(back, [7]);
    expect(again.sequence.length).toBe(6);
  });
});
