import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { boundedTokenDistance, maxDistanceFor, similarity } from '../src/mt/tm/similarity.js';
import { exactKey, scoreTokens, wordCount } from '../src/mt/tm/tokenize.js';

function levenshtein(a: readonly number[], b: readonly number[]): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(
        row[j]! + 1,
        next[j - 1]! + 1,
        row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    row = next;
  }
  return row[b.length]!;
}

describe('token similarity (OmegaT formula)', () => {
  it('bounded distance equals Levenshtein when within the bound, exceeds it otherwise', () => {
    const tokens = fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 14 });
    fc.assert(
      fc.property(tokens, tokens, fc.integer({ min: 0, max: 16 }), (a, b, limit) => {
        const exact = levenshtein(a, b);
        const bounded = boundedTokenDistance(a, b, limit);
        if (exact <= limit) expect(bounded).toBe(exact);
        else expect(bounded).toBe(limit + 1);
      }),
      { seed: 20240501, numRuns: 2000 },
    );
  });

  it('scores 100 × (longest − distance) / longest, rounded down', () => {
    expect(similarity(4, 4, 1)).toBe(75);
    expect(similarity(3, 4, 1)).toBe(75);
    expect(similarity(6, 5, 2)).toBe(66);
    expect(similarity(7, 7, 0)).toBe(100);
    expect(similarity(0, 0, 0)).toBe(0);
  });

  it('maxDistanceFor is the largest distance that still reaches min', () => {
    for (let longest = 1; longest <= 40; longest++) {
      for (const min of [50, 75, 85, 95, 100]) {
        const d = maxDistanceFor(longest, min);
        expect(similarity(longest, longest, d)).toBeGreaterThanOrEqual(min);
        if (d + 1 <= longest) expect(similarity(longest, longest, d + 1)).toBeLessThan(min);
      }
    }
  });

  it('tokenises words and punctuation, case-folded, CJK per character', () => {
    expect(scoreTokens("Don't panic, Arthur!")).toEqual([
      'don',
      "'",
      't',
      'panic',
      ',',
      'arthur',
      '!',
    ]);
    expect(scoreTokens('東京は晴れ。')).toEqual(['東', '京', 'は', '晴', 'れ', '。']);
    expect(scoreTokens('हिन्दी भाषा')).toEqual(['हिन्दी', 'भाषा']);
    // NFD input compares equal to NFC.
    expect(scoreTokens('cafe\u0301')).toEqual(scoreTokens('café'));
    expect(wordCount('Hello, big world!')).toBe(3);
    expect(exactKey('  Two\t spaces\n here ')).toBe('Two spaces here');
  });
});
