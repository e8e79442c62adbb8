import { describe, expect, it } from 'vitest';
import { GPT2_DIR, loadGpt2, plainBeam } from './support/gpt2-plain-loop.js';
import { startRuntime } from './support/runtime.js';

describe('beam search on the real tiny-random-gpt2 folder', () => {
  it('returns every beam of a plain onnxruntime-node loop, in order, with its log-probability', async () => {
    const session = await loadGpt2();
    const runtime = await startRuntime();
    await runtime.spawnDecoder('gpt2', { folder: GPT2_DIR });
    // 204 is the token this model favours after the prompt: as an end token it makes beams
    // finish early, so the finished-hypotheses rules are exercised too.
    for (const [numBeams, lengthPenalty, eos] of [
      [4, 1, 98],
      [3, 0.5, 98],
      [4, 1, 204],
      [2, 2, 204],
    ] as const) {
      const prompt = [0, 0, 0, 52];
      const plain = await plainBeam(session, prompt, 10, numBeams, lengthPenalty, eos);
      const got = await runtime.generate('gpt2', prompt, {
        maxLength: 10,
        numBeams,
        lengthPenalty,
        numReturnSequences: numBeams,
        eos: [eos],
      });
      expect(got.map((s) => s.ids)).toEqual(plain.map((s) => s.ids));
      got.forEach((sequence, i) => expect(sequence.logprob).toBeCloseTo(plain[i]!.logprob, 3));
    }
  });
});
