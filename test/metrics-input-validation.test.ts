import { describe, expect, it } from 'vitest';
import {
  type BleuTokenizerName,
  corpusBleu,
  corpusChrf,
  type SmoothMethod,
  sentenceBleu,
} from '../src/mt/metrics/index.js';

describe('metric inputs that sacreBLEU would refuse or mis-score', () => {
  it('refuses hypotheses that are not an array of strings', () => {
    expect(() => corpusBleu('a b c' as unknown as string[], [['a b c']])).toThrow(
      new TypeError('hyps must be an array of strings, got the string "a b c"'),
    );
    expect(() => corpusChrf(['a', 3 as unknown as string], [['a', 'b']])).toThrow(
      new TypeError('hyps[1] must be a string, got number'),
    );
  });

  it('refuses an empty corpus', () => {
    expect(() => corpusBleu([], [[]])).toThrow(RangeError);
  });

  it('refuses reference streams that are not line-aligned with the hypotheses', () => {
    // sacreBLEU 2.6.0 would silently score only the first segment (Python's zip).
    expect(() => corpusBleu(['a', 'b'], [['a', 'b'], ['a']])).toThrow(
      new RangeError('refs[1] has 1 segments but there are 2 hypotheses'),
    );
    expect(() => corpusChrf(['a'], ['a'] as unknown as string[][])).toThrow(TypeError);
  });

  it('allows a missing reference (null) and reports a variable number of references', () => {
    const bleu = corpusBleu(
      ['a b', 'c d'],
      [
        ['a b', 'c d'],
        [null, 'c e'],
      ],
    );
    expect(bleu.signature.startsWith('nrefs:var|')).toBe(true);
    const chrf = corpusChrf(
      ['a b', 'c d'],
      [
        ['a b', 'c d'],
        [null, 'c e'],
      ],
    );
    expect(chrf.signature.startsWith('nrefs:var|')).toBe(true);
    expect(() => corpusBleu(['a b'], [[null], [null]])).toThrow(
      new RangeError('segment 0 has no reference: every stream holds null there'),
    );
  });

  it('refuses unknown tokenizers, smoothing methods and orders', () => {
    expect(() => corpusBleu(['a'], [['a']], { tokenize: 'zh' as BleuTokenizerName })).toThrow(
      /tokenize must be one of '13a', 'none', 'intl', 'char', got "zh"/,
    );
    expect(() => sentenceBleu('a', ['a'], { smoothMethod: 'lin' as SmoothMethod })).toThrow(
      RangeError,
    );
    expect(() => corpusBleu(['a'], [['a']], { maxNgramOrder: 0 })).toThrow(RangeError);
    expect(() => corpusChrf(['a'], [['a']], { charOrder: 0, wordOrder: 0 })).toThrow(RangeError);
    expect(() => corpusChrf(['a'], [['a']], { beta: Number.NaN })).toThrow(RangeError);
  });
});
