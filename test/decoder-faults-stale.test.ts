import { describe, expect, it } from 'vitest';
import { SequenceClosedError, StaleSequenceError } from '../src/errors.js';
import { GPT2_DIR } from './support/gpt2-plain-loop.js';
import { startRuntime } from './support/runtime.js';

describe('stale and closed decoder sequences', () => {
  it('refuses an old handle, a second step racing the first, and a closed sequence', async () => {
    const runtime = await startRuntime();
    const decoder = await runtime.spawnDecoder('gpt2', { folder: GPT2_DIR });
    const opened = await decoder.open([0, 0, 0, 52]);
    const stepped = await decoder.step(opened.sequence, [5]);
    await expect(decoder.step(opened.sequence, [6])).rejects.toThrow(StaleSequenceError);

    // Two steps sent on one handle before either is answered: the worker takes the first and
    // refuses the second, whose generation is then behind.
    const [first, second] = await Promise.allSettled([
      decoder.step(stepped.sequence, [6]),
      decoder.step(stepped.sequence, [7]),
    ]);
    expect(first.status).toBe('fulfilled');
    expect(second.status === 'rejected' && second.reason).toBeInstanceOf(StaleSequenceError);

    const latest = (first as PromiseFulfilledResult<Awaited<ReturnType<typeof decoder.step>>>)
      .value;
    await decoder.closeSequence(latest.sequence);
    await expect(decoder.step(latest.sequence, [8])).rejects.toThrow(SequenceClosedError);
    await decoder.closeSequence(latest.sequence); // closing twice does nothing
  });
});
