import { describe, expect, it } from 'vitest';
import {
  cascadeScore,
  decodeSignals,
  qeSignals,
  runnerUp,
  scorerNeedsQe,
  scorerNeedsRunnerUp,
} from '../src/mt/translate/cascade-signals.js';
import type { DecodeResult } from '../src/plan-runner/run-decode.js';

const EOS = 2;

/** A decode of [5, 6, 7] + end, whose beam also finished [5, 6, 7] (a duplicate) and [5, 9, 7]. */
const decode: DecodeResult = {
  tokens: [5, 6, 7, EOS],
  logprob: -1.5,
  tokenLogprobs: [-0.1, -0.2, -0.3, -0.9],
  hypotheses: [
    { tokens: [5, 6, 7, EOS], logprob: -1.5, score: -0.375 },
    { tokens: [5, 6, 7], logprob: -1.6, score: -0.53 },
    { tokens: [5, 9, 7, EOS], logprob: -2.5, score: -0.625 },
  ],
  trace: { plan: 'p', ms: 1, rounds: [] },
} as unknown as DecodeResult;

describe("the cascade's QE signals of a translation", () => {
  it('takes as runner-up the first other hypothesis of the n-best list, without its end token', () => {
    expect(runnerUp(decode, [5, 6, 7], EOS)).toEqual([5, 9, 7]);
    const alone = { ...decode, hypotheses: decode.hypotheses.slice(0, 2) } as DecodeResult;
    expect(runnerUp(alone, [5, 6, 7], EOS)).toBeNull();
  });

  it("gives the margin over the runner-up's QE and the least gap between QE's and the engine's token log-probabilities", () => {
    const qe = { mean: -0.5, tokens: [-0.2, -1.4, -0.1, -0.3] };
    const second = { mean: -0.8, tokens: [-0.2, -2, -0.1, -0.9] };
    const signals = qeSignals(qe, decode.tokenLogprobs, second);
    expect(signals.qe).toBe(-0.5);
    expect(signals['qe-min-token']).toBe(-1.4);
    expect(signals['qe-margin']).toBeCloseTo(0.3, 12);
    // Token 6: the engine gave it -0.2, QE -1.4: the widest gap of the four.
    expect(signals['qe-token-gap']).toBeCloseTo(-1.2, 12);
    // Without a runner-up the margin says nothing (0); not asked for, it is NaN (never read).
    expect(qeSignals(qe, decode.tokenLogprobs, null)['qe-margin']).toBe(0);
    expect(qeSignals(qe, decode.tokenLogprobs)['qe-margin']).toBeNaN();
    // QE surer than the engine everywhere: no gap.
    expect(qeSignals({ mean: 0, tokens: [0, 0, 0, 0] }, decode.tokenLogprobs)['qe-token-gap']).toBe(
      0,
    );
  });

  it('knows which scorers read QE and which pay for the runner-up in their QE batch', () => {
    expect(scorerNeedsQe('qe-token-gap')).toBe(true);
    expect(scorerNeedsRunnerUp('qe-token-gap')).toBe(false);
    expect(scorerNeedsRunnerUp('qe-margin')).toBe(true);
    expect(scorerNeedsRunnerUp({ linear: { 'qe-margin': 0, qe: 1 } })).toBe(false);
    expect(scorerNeedsRunnerUp({ linear: { 'qe-margin': 0.5 } })).toBe(true);
    const signals = {
      ...decodeSignals(decode),
      ...qeSignals({ mean: -0.5, tokens: [-0.2, -1.4, -0.1, -0.3] }, decode.tokenLogprobs, null),
      'tm-match': 0,
    };
    expect(cascadeScore({ linear: { 'qe-token-gap': 2, qe: 1 }, bias: 0.1 }, signals)).toBeCloseTo(
      2 * -1.2 - 0.5 + 0.1,
      12,
    );
  });
});
