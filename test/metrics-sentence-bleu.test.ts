import { describe, expect, it } from 'vitest';
import {
  type BleuTokenizerName,
  type SmoothMethod,
  sentenceBleu,
} from '../src/mt/metrics/index.js';

// Test vectors from sacreBLEU's repository, test/test_sentence_bleu.py (mjpost/sacrebleu,
// Apache-2.0), with its tolerance.
const EPSILON = 1e-3;

// Example taken from sacreBLEU issue #98
const REF = 'producţia de zahăr brut se exprimă în zahăr alb;';
const SYS = 'Producția de zahăr primă va fi exprimată în ceea ce privește zahărul alb;';

type Case = [SmoothMethod, number | undefined, boolean, BleuTokenizerName, number];

const cases: Case[] = [
  // change smoothing
  ['exp', undefined, false, '13a', 8.493],
  ['none', undefined, false, '13a', 0.0],
  ['floor', undefined, false, '13a', 4.51688], // defaults to 0.1
  ['floor', 0.1, false, '13a', 4.51688],
  ['floor', 0.5, false, '13a', 10.1],
  ['add-k', undefined, false, '13a', 14.882], // defaults to 1
  ['add-k', 1, false, '13a', 14.882],
  ['add-k', 2, false, '13a', 21.389],
  // change tok
  ['exp', undefined, false, 'none', 7.347],
  ['exp', undefined, false, 'intl', 8.493],
  ['exp', undefined, false, 'char', 40.8759],
  // change case
  ['exp', undefined, true, 'char', 42.0267],
];

// Example taken from sacreBLEU issue #141
const REF_0 = 'okay thanks';
const SYS_0 = 'this is a cat';

const zeroCases: Case[] = [
  ['exp', undefined, false, '13a', 0.0],
  ['none', undefined, false, '13a', 0.0],
  ['floor', undefined, false, '13a', 0.0],
  ['floor', 0.1, false, '13a', 0.0],
  ['add-k', undefined, false, '13a', 0.0],
  ['add-k', 1, false, '13a', 0.0],
];

describe('sentence BLEU against sacreBLEU test/test_sentence_bleu.py', () => {
  it.each(cases)(
    'smoothing %s (%s), lowercase %s, tokenize %s',
    (smoothMethod, smoothValue, lowercase, tokenize, expected) => {
      const options = { smoothMethod, lowercase, tokenize, effectiveOrder: true };
      const score = sentenceBleu(
        SYS,
        [REF],
        smoothValue === undefined ? options : { ...options, smoothValue },
      );
      expect(Math.abs(score.score - expected)).toBeLessThan(EPSILON);
    },
  );

  it.each(zeroCases)(
    'scores 0 without a match, smoothing %s (%s)',
    (smoothMethod, smoothValue, lowercase, tokenize, expected) => {
      const options = { smoothMethod, lowercase, tokenize, effectiveOrder: true };
      const score = sentenceBleu(
        SYS_0,
        [REF_0],
        smoothValue === undefined ? options : { ...options, smoothValue },
      );
      expect(Math.abs(score.score - expected)).toBeLessThan(EPSILON);
    },
  );

  it("uses sacreBLEU's sentence defaults: 'exp' smoothing and the effective order", () => {
    const score = sentenceBleu(SYS, [REF]);
    expect(Math.abs(score.score - 8.493)).toBeLessThan(EPSILON);
    expect(score.signature).toBe('nrefs:1|case:mixed|eff:yes|tok:13a|smooth:exp|version:2.6.0');
  });

  it("reports add-k's counts with k added, as sacreBLEU does", () => {
    // sacreBLEU 2.6.0 returned counts [5, 3, 1, 1] and totals [14, 14, 13, 12] here.
    const score = sentenceBleu(SYS, [REF], { smoothMethod: 'add-k' });
    expect(score.counts).toEqual([5, 3, 1, 1]);
    expect(score.totals).toEqual([14, 14, 13, 12]);
    expect(score.signature).toBe(
      'nrefs:1|case:mixed|eff:yes|tok:13a|smooth:add-k[1.00]|version:2.6.0',
    );
  });
});
