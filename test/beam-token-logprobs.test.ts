import { describe, expect, it } from 'vitest';
import { beamStep, type FinishedHypothesis, type Hypothesis } from '../src/plan-runner/beam.js';

describe('beam search keeps each token’s log-probability', () => {
  it('gives every hypothesis the log-probability of each of its tokens, summing to its own', () => {
    const vocab = 3;
    const end = 2;
    const finished: FinishedHypothesis[] = [];
    let live: Hypothesis[] = [{ tokens: [], logprob: 0 }];
    // Step 1: token 0 (log 0.6) and token 1 (log 0.3) go on; step 2 ends both.
    live = beamStep(
      live,
      [Math.log(0.6), Math.log(0.3), Math.log(0.1)],
      vocab,
      2,
      end,
      1,
      finished,
    );
    expect(live.map((h) => h.tokenLogprobs)).toEqual([[Math.log(0.6)], [Math.log(0.3)]]);
    live = beamStep(
      live,
      [-Infinity, -Infinity, Math.log(0.5), -Infinity, -Infinity, Math.log(0.9)],
      vocab,
      2,
      end,
      1,
      finished,
    );
    expect(live).toEqual([]);
    const byTokens = new Map(finished.map((h) => [h.tokens.join(' '), h]));
    const first = byTokens.get('0 2')!;
    const second = byTokens.get('1 2')!;
    expect(first.tokenLogprobs![0]).toBeCloseTo(Math.log(0.6), 12);
    expect(first.tokenLogprobs![1]).toBeCloseTo(Math.log(0.5), 12);
    expect(second.tokenLogprobs![1]).toBeCloseTo(Math.log(0.9), 12);
    for (const h of finished)
      expect(h.tokenLogprobs!.reduce((a, b) => a + b, 0)).toBeCloseTo(h.logprob, 12);
  });
});
