import { describe, expect, it } from 'vitest';
import { GPT2_FOLDER } from './support/gpt2-folder.js';
import {
  beamSearch,
  genaiWindowRun,
  plainDecode,
  RecomputeState,
} from './support/plain-decoder-loop.js';

// The plain loop keeps GPT-2's cache between steps; running the whole window again at every step
// must give the same sequences and log-probabilities.
describe('plain decoder loop on tiny-random-gpt2 (genai layout)', () => {
  const prompt = [0, 0, 0, 52];
  const eos = 98;

  it('beam search: four beams, four returned, as with a full recompute', async () => {
    const options = { eos, maxLength: 16, numBeams: 4, numReturnSequences: 4 };
    const cached = await plainDecode(GPT2_FOLDER, prompt, options);
    const window = await genaiWindowRun(GPT2_FOLDER);
    const state = new RecomputeState(window.vocab, window.run, prompt, 4);
    const recomputed = await beamSearch(state, prompt, options);
    await window.release();
    expect(cached.map((s) => s.ids)).toEqual(recomputed.map((s) => s.ids));
    cached.forEach((s, i) => expect(s.logprob).toBeCloseTo(recomputed[i]!.logprob, 4));
    expect(cached).toHaveLength(4);
    // Best first, and four different sequences.
    for (let i = 1; i < cached.length; i++) {
      expect(cached[i]!.score).toBeLessThanOrEqual(cached[i - 1]!.score);
    }
    expect(new Set(cached.map((s) => s.ids.join(','))).size).toBe(4);
  });
});
