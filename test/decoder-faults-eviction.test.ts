import { describe, expect, it, vi } from 'vitest';
import { SequenceEvictedError } from '../src/errors.js';
import { GPT2_DIR } from './support/gpt2-plain-loop.js';
import { startRuntime } from './support/runtime.js';

describe('idle eviction of decoder sequences', () => {
  it('drops a sequence left idle and answers its next step with SequenceEvictedError', async () => {
    const runtime = await startRuntime();
    const decoder = await runtime.spawnDecoder('gpt2', { folder: GPT2_DIR, idleMs: 20 });
    const opened = await decoder.open([0, 0, 0, 52]);
    await vi.waitFor(() => expect(decoder.state(opened.sequence)).toBe('evicted'), {
      timeout: 10_000,
    });
    expect(decoder.bytes).toBe(0);
    await expect(decoder.step(opened.sequence, [5])).rejects.toThrow(SequenceEvictedError);
    await expect(decoder.step(opened.sequence, [5])).rejects.toThrow(/evicted after 20 ms idle/);
  });
});
