import { describe, expect, it } from 'vitest';
import { GPT2_FOLDER } from './support/gpt2-folder.js';
import {
  genaiWindowRun,
  greedy,
  plainDecode,
  RecomputeState,
} from './support/plain-decoder-loop.js';

// The plain loop keeps GPT-2's cache between steps; running the whole window again at every step
// must give the same sequences and log-probabilities.
describe('plain decoder loop on tiny-random-gpt2 (genai layout)', () => {
  const prompt = [0, 0, 0, 52];
  const eos = 98;

  it('greedy: each token is the argmax of a full recompute, with the same summed logprob', async () => {
    const [cached] = await plainDecode(GPT2_FOLDER, prompt, { maxLength: 24 });
    const window = await genaiWindowRun(GPT2_FOLDER);
    const state = new RecomputeState(window.vocab, window.run, prompt, 1);
    const recomputed = await greedy(state, prompt, { eos, maxLength: 24 });
    await window.release();
    expect(cached!.ids).toEqual(recomputed.ids);
    expect(cached!.ids.slice(0, 4)).toEqual(prompt);
    expect(cached!.ids.length).toBeGreaterThan(prompt.length);
    expect(cached!.logprob).toBeCloseTo(recomputed.logprob, 4);
    expect(cached!.logprob).toBeLessThan(0);
  });
});
