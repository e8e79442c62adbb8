import { describe, expect, it } from 'vitest';
import { beamIsDone, type FinishedHypothesis, normalisedScore } from '../src/plan-runner/beam.js';

const done = (logprob: number, length: number, alpha = 1): FinishedHypothesis => ({
  tokens: Array.from({ length }, () => 1),
  logprob,
  score: normalisedScore(logprob, length, alpha),
});

describe('beam search stops only when no live hypothesis can still win', () => {
  it('goes on while fewer than the beam width have finished', () => {
    expect(beamIsDone([{ tokens: [2], logprob: -9 }], [done(-1, 2)], 2, 10, 1)).toBe(false);
  });

  it('goes on when a live hypothesis could still beat the worst kept one', () => {
    // Worst kept: -4 / 2 = -2. A live one at -5 may end at length 10 with score ≥ -5/10 = -0.5.
    expect(
      beamIsDone([{ tokens: [2, 3], logprob: -5 }], [done(-1, 2), done(-4, 2)], 2, 10, 1),
    ).toBe(false);
  });

  it('stops when even the most optimistic bound of every live hypothesis is worse', () => {
    // Worst kept: -2 / 2 = -1. A live one at -12 scores at best -12 / 10 = -1.2.
    expect(
      beamIsDone([{ tokens: [2, 3], logprob: -12 }], [done(-1, 2), done(-2, 2)], 2, 10, 1),
    ).toBe(true);
  });

  it('without length normalisation the bound is the live log-probability itself', () => {
    expect(
      beamIsDone([{ tokens: [2], logprob: -3 }], [done(-1, 1, 0), done(-2.5, 1, 0)], 2, 10, 0),
    ).toBe(true);
    expect(
      beamIsDone([{ tokens: [2], logprob: -2 }], [done(-1, 1, 0), done(-2.5, 1, 0)], 2, 10, 0),
    ).toBe(false);
  });
});
