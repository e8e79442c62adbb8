import { describe, expect, it } from 'vitest';
import {
  type BleuTokenizerName,
  corpusBleu,
  corpusChrf,
  type SmoothMethod,
  sentenceBleu,
} from '../src/mt/metrics/index.js';

/** An ArgumentError naming `argument` (and with `message`, when given). */
function refused(argument: string, message?: string) {
  return expect.objectContaining({
    name: 'ArgumentError',
    code: 'ERR_ARGUMENT',
    argument,
    ...(message === undefined ? {} : { message }),
  });
}

describe('metric inputs that sacreBLEU would refuse or mis-score', () => {
  it('refuses hypotheses that are not an array of strings', () => {
    expect(() => corpusBleu('a b c' as unknown as string[], [['a b c']])).toThrow(
      refused('hyps', 'corpusBleu: hyps must be an array of strings, got "a b c"'),
    );
    expect(() => corpusChrf(['a', 3 as unknown as string], [['a', 'b']])).toThrow(
      refused('hyps[1]', 'corpusChrf: hyps[1] must be a string, got 3'),
    );
  });

  it('refuses an empty corpus', () => {
    expect(() => corpusBleu([], [[]])).toThrow(refused('hyps'));
  });

  it('refuses reference streams that are not line-aligned with the hypotheses', () => {
    // sacreBLEU 2.6.0 would silently score only the first segment (Python's zip).
    expect(() => corpusBleu(['a', 'b'], [['a', 'b'], ['a']])).toThrow(
      refused('refs[1]', 'corpusBleu: refs[1] has 1 segments but there are 2 hypotheses'),
    );
    expect(() => corpusChrf(['a'], ['a'] as unknown as string[][])).toThrow(refused('refs[0]'));
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
      refused('refs', 'corpusBleu: segment 0 has no reference: every stream holds null there'),
    );
  });

  it('refuses unknown tokenizers, smoothing methods and orders', () => {
    expect(() => corpusBleu(['a'], [['a']], { tokenize: 'zh' as BleuTokenizerName })).toThrow(
      /tokenize must be one of '13a', 'none', 'intl', 'char', got "zh"/,
    );
    expect(() => sentenceBleu('a', ['a'], { smoothMethod: 'lin' as SmoothMethod })).toThrow(
      refused('options.smoothMethod'),
    );
    expect(() => corpusBleu(['a'], [['a']], { maxNgramOrder: 0 })).toThrow(
      refused('options.maxNgramOrder'),
    );
    expect(() => corpusChrf(['a'], [['a']], { charOrder: 0, wordOrder: 0 })).toThrow(
      refused('options.charOrder'),
    );
    expect(() => corpusChrf(['a'], [['a']], { beta: Number.NaN })).toThrow(refused('options.beta'));
  });
});
