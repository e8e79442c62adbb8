import { describe, expect, it } from 'vitest';
import { type BleuOptions, computeBleu, corpusBleu, formatFixed } from '../src/mt/metrics/index.js';

// Test vectors from sacreBLEU's repository, test/test_bleu.py (mjpost/sacrebleu, Apache-2.0,
// copyright 2017 Amazon.com, Inc. or its affiliates), with its tolerance.
const EPSILON = 1e-8;

// sacrebleu.raw_corpus_bleu: no tokenization, 'floor' smoothing, effective order.
function rawCorpusBleu(hyps: string[], refs: string[][], smoothValue?: number) {
  const options: BleuOptions = { tokenize: 'none', smoothMethod: 'floor', effectiveOrder: true };
  return corpusBleu(hyps, refs, smoothValue === undefined ? options : { ...options, smoothValue });
}

const refs = [
  ['The dog bit the man.', 'It was not unexpected.', 'The man bit him first.'],
  ['The dog had bit the man.', 'No one was surprised.', 'The man had bitten the dog.'],
];
const hyps = ['The dog bit the man.', "It wasn't surprising.", 'The man had just bitten him.'];

describe('BLEU against sacreBLEU test/test_bleu.py', () => {
  it.each([
    // This now returns 0.0 score (#141)
    [['this is a test', 'another test'], [['ref1', 'ref2']], 0.0],
    [['this is a test'], [['this is a test']], 1.0],
    [['this is a fest'], [['this is a test']], 0.223606797749979],
  ])('raw corpus BLEU of %j', (h, r, expected) => {
    expect(Math.abs(rawCorpusBleu(h, r, 0.01).score / 100 - expected)).toBeLessThan(EPSILON);
  });

  it.each([
    ['default settings', hyps, {}, 48.530827],
    ['empty hypotheses, which are not removed', ['', '', ''], {}, 0.0],
    ["tokenize 'none'", hyps, { tokenize: 'none' }, 49.1919566],
    ["tokenize '13a'", hyps, { tokenize: '13a' }, 48.530827],
    ["tokenize 'intl'", hyps, { tokenize: 'intl' }, 43.91623493],
    ["smoothing 'none'", hyps, { smoothMethod: 'none' }, 48.530827],
  ] as const)('corpus BLEU with %s', (_, h, options, expected) => {
    expect(Math.abs(corpusBleu(h, refs, options).score - expected)).toBeLessThan(EPSILON);
  });

  it.each([
    [['test'], [['a test']], 0.3678794411714425],
    [['a test'], [['a test']], 1.0],
    [['a little test'], [['a test']], 0.03218297948685433],
  ])('effective order of %j', (h, r, expected) => {
    expect(Math.abs(rawCorpusBleu(h, r, 0.01).score / 100 - expected)).toBeLessThan(EPSILON);
  });

  it('counts matches and totals per order', () => {
    const result = rawCorpusBleu(
      ['am I am a character sequence'],
      [['I am a symbol string sequence a a']],
      0.01,
    );
    expect({ common: result.counts, total: result.totals }).toEqual({
      common: [4, 2, 1, 0],
      total: [6, 5, 4, 3],
    });
  });

  it('scores from statistics', () => {
    const score = computeBleu([9, 7, 5, 3], [10, 8, 6, 4], 11, 11).score / 100;
    expect(Math.abs(score - 0.8375922397)).toBeLessThan(EPSILON);
  });

  it('applies the floor offset, 0.1 by default', () => {
    const h = ['am I am a character sequence'];
    const r = [['I am a symbol string sequence a a']];
    expect(Math.abs(rawCorpusBleu(h, r, 0.0).score / 100 - 0)).toBeLessThan(EPSILON);
    expect(Math.abs(rawCorpusBleu(h, r).score / 100 - 0.1555722182)).toBeLessThan(EPSILON);
  });

  it.each([
    [[0, 0, 0, 0], [4, 4, 2, 1], 0, 1, 0.0],
    [[0, 0, 0, 0], [10, 11, 12, 0], 14, 10, 0.0],
    [[0, 0, 0, 0], [0, 0, 0, 0], 0, 0, 0.0],
    [[6, 5, 4, 0], [6, 5, 4, 3], 6, 6, 0.0],
    [[0, 0, 0, 0], [0, 0, 0, 0], 0, 0, 0.1],
    [[0, 0, 0, 0], [0, 0, 0, 0], 1, 5, 0.01],
  ])(
    'scores degenerate statistics %j / %j (sys %i, ref %i, offset %f) as 0',
    (common, total, sys, ref, offset) => {
      const score = computeBleu(common, total, sys, ref, {
        smoothMethod: 'floor',
        smoothValue: offset,
      });
      expect(score.score / 100).toBe(0.0);
    },
  );

  it.each([
    [1, '77.65'],
    [2, '60.50'],
    [3, '53.93'],
    [4, '48.53'],
    [5, '46.14'],
    [6, '43.28'],
  ])('n-gram order %i', (order, expected) => {
    expect(formatFixed(corpusBleu(hyps, refs, { maxNgramOrder: order }).score, 2)).toBe(expected);
  });
});

describe('BLEU signature and statistics (sacreBLEU 2.6.0 command line on the README example)', () => {
  it('prints the signature of corpus BLEU', () => {
    const bleu = corpusBleu(hyps, refs);
    // `sacrebleu r1 r2 -i hyp -m bleu` printed this signature and these numbers.
    expect(bleu.signature).toBe('nrefs:2|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0');
    expect([bleu.sysLen, bleu.refLen]).toEqual([17, 18]);
    expect(bleu.precisions.map((p) => formatFixed(p, 1))).toEqual(['82.4', '50.0', '45.5', '37.5']);
    expect(formatFixed(bleu.bp, 3)).toBe('0.943');
    expect(formatFixed(bleu.ratio, 3)).toBe('0.944');
  });

  it('names the smoothing value and the case in the signature', () => {
    const bleu = corpusBleu(hyps, [refs[0]!], {
      smoothMethod: 'floor',
      lowercase: true,
      tokenize: 'none',
    });
    expect(bleu.signature).toBe('nrefs:1|case:lc|eff:no|tok:none|smooth:floor[0.10]|version:2.6.0');
  });

  it('takes the closest reference length, the shorter one on a tie', () => {
    // 3 hypothesis words; references of 2 and 4 words are equally close: BLEU takes 2.
    const tie = corpusBleu(['a b c'], [['a b'], ['a b c d']]);
    expect(tie.refLen).toBe(2);
    const closer = corpusBleu(['a b c'], [['a'], ['a b c d']]);
    expect(closer.refLen).toBe(4);
  });

  it('clips each n-gram by its largest count over the references', () => {
    // "the" occurs 3 times in the hypothesis, at most 2 times in one reference.
    const bleu = corpusBleu(['the the the'], [['the cat the'], ['the']], { maxNgramOrder: 1 });
    expect(bleu.counts).toEqual([2]);
    expect(bleu.totals).toEqual([3]);
  });
});
