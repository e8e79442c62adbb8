import { describe, expect, it } from 'vitest';
import { GPT2_DIR, loadGpt2, plainBeam, plainGreedy } from './support/gpt2-plain-loop.js';
import { startRuntime } from './support/runtime.js';

describe('an ensemble of decoders', () => {
  it('fuses the members’ log-probabilities at every token (log-linear and log-mean)', async () => {
    const session = await loadGpt2();
    const runtime = await startRuntime();
    await runtime.spawnDecoder('a', { folder: GPT2_DIR });
    await runtime.spawnDecoder('b', { folder: GPT2_DIR, replicas: 2 });
    const prompt = [0, 0, 0, 52];
    // Two copies of one model: a weighted geometric mean (weights summing to 1) and the mean of
    // probabilities both give back that model's distribution, so the plain loop's answers.
    const plain = await plainGreedy(session, prompt, 12);
    for (const fusion of ['log-linear', 'log-mean'] as const) {
      const [got] = await runtime.generate(['a', 'b'], prompt, {
        maxLength: 12,
        fusion,
        weights: [0.5, 0.5],
      });
      expect(got!.ids).toEqual(plain.ids);
      expect(got!.logprob).toBeCloseTo(plain.logprob, 2);
    }
    const beams = await runtime.generate(['a', 'b'], prompt, {
      maxLength: 10,
      numBeams: 3,
      numReturnSequences: 3,
      weights: [0.5, 0.5],
    });
    expect(beams.map((s) => s.ids)).toEqual(
      (await plainBeam(session, prompt, 10, 3)).map((s) => s.ids),
    );
    // Log-linear with weights 1 and 1 sharpens: same best path, a higher log-probability.
    const [sharp] = await runtime.generate(['a', 'b'], prompt, { maxLength: 12 });
    expect(sharp!.ids).toEqual(plain.ids);
    expect(sharp!.logprob).toBeGreaterThan(plain.logprob);
  });
});
