import { describe, expect, it } from 'vitest';
import { chrfUtility, mbrSelect } from '../src/mt/mbr/mbr.js';
import { sentenceChrf } from '../src/mt/metrics/index.js';

describe('MBR selection: the candidate with the highest expected chrF against the others', () => {
  it('picks the consensus candidate, not the first or the most frequent prefix', () => {
    const candidates = [
      'the cat sleeps on the mat',
      'a dog sleeps on the mat',
      'the cat sleeps on a mat',
      'the cat sleeps on the mat',
      'the cat sits on the mat',
    ];
    const { index, expected } = mbrSelect(candidates);
    expect(candidates[index]).toBe('the cat sleeps on the mat');
    // The expectation is the mean chrF against every other candidate, as defined.
    const mean =
      candidates
        .filter((_, j) => j !== index)
        .reduce((sum, ref) => sum + sentenceChrf(candidates[index]!, [ref]).score, 0) / 4;
    expect(expected[index]).toBeCloseTo(mean, 10);
  });

  it('weighs the other candidates as evidence', () => {
    const candidates = [
      'the kitten sat',
      'the kitten sat down',
      'a puppy ran off',
      'a puppy ran away',
    ];
    expect([0, 1]).toContain(mbrSelect(candidates, { weights: [1, 1, 0, 0] }).index);
    expect([2, 3]).toContain(mbrSelect(candidates, { weights: [0, 0, 1, 1] }).index);
    const utility = (h: string, r: string) => (h === r ? 1 : 0);
    expect(mbrSelect(['x', 'y', 'y'], { utility }).index).toBe(1);
    expect(chrfUtility('same', 'same')).toBe(100);
  });

  it('refuses empty candidate lists and mismatched or negative weights', () => {
    const refused = (argument: string) =>
      expect.objectContaining({ name: 'ArgumentError', code: 'ERR_ARGUMENT', argument });
    expect(() => mbrSelect([])).toThrow(refused('candidates'));
    expect(() => mbrSelect(['a', 'b'], { weights: [1] })).toThrow(/1 weights for 2 candidates/);
    expect(() => mbrSelect(['a', 'b'], { weights: [1, -1] })).toThrow(
      refused('options.weights[1]'),
    );
    expect(() => mbrSelect(['a', 7 as never])).toThrow(refused('candidates[1]'));
    expect(() => mbrSelect(['a'], { utility: 'chrF' as never })).toThrow(
      refused('options.utility'),
    );
  });
});
