import { describe, expect, it } from 'vitest';
import { chrfPlusPlus, corpusChrf, formatFixed, sentenceChrf } from '../src/mt/metrics/index.js';

// Test vectors from sacreBLEU's repository, test/test_chrf.py (mjpost/sacrebleu, Apache-2.0,
// copyright 2017 Amazon.com, Inc. or its affiliates), with its tolerance.
const EPSILON = 1e-4;

const sentenceLevel: [string, string[], number][] = [
  [
    'Co nás nejvíc trápí, protože lékaři si vybírají, kdo bude žít a kdo zemře.',
    ['Nejvíce smutní jsme z toho, že musíme rozhodovat o tom, kdo bude žít a kdo zemře.'],
    39.14078509,
  ],
  [
    'Nebo prostě nemají vybavení, které by jim pomohlo, uvedli lékaři.',
    ['A někdy nemáme ani potřebný materiál, abychom jim pomohli, popsali lékaři.'],
    31.22557079,
  ],
  [
    'Lapali po dechu, jejich životy skončily dřív, než skutečně začaly.',
    ['Lapali po dechu a pak jejich život skončil - dřív, než skutečně mohl začít, připomněli.'],
    57.15704367,
  ],
];

// >= 2.0.0: some orders are not fulfilled in epsilon smoothing (chrF++.py and NLTK)
const epsCases: [string[], string[], number][] = [
  [['abcdefg'], ['hijklmnop'], 0.0],
  [['a'], ['b'], 0.0],
  [[''], ['b'], 0.0],
  [[''], ['ref'], 0.0],
  [[''], ['reference'], 0.0],
  [['aa'], ['ab'], 8.3333],
  [['a', 'b'], ['a', 'c'], 8.3333],
  [['a'], ['a'], 16.6667],
  [['a b c'], ['a b c'], 50.0],
  [['a b c'], ['abc'], 50.0],
  [
    [
      ' risk assessment must be made of those who are qualified and expertise in the sector - these are the scientists .',
    ],
    [
      'risk assessment has to be undertaken by those who are qualified and expert in that area - that is the scientists .',
    ],
    63.36173,
  ],
  [
    [' Die    Beziehung zwischen  Obama und Netanjahu ist nicht gerade  freundlich. '],
    ['Das Verhältnis zwischen Obama und Netanyahu ist nicht gerade freundschaftlich.'],
    64.1302698,
  ],
  [
    ['Niemand hat die Absicht, eine Mauer zu errichten'],
    ['Niemand hat die Absicht, eine Mauer zu errichten'],
    100.0,
  ],
];

// sacreBLEU < 2.0.0 mode (the effective order, sacreBLEU 2.x's default)
const effectiveOrderCases: [string[], string[], number][] = [
  [['a'], ['a'], 100.0],
  [[''], ['reference'], 0.0],
  [['a b c'], ['a b c'], 100.0],
  [['a b c'], ['abc'], 100.0],
  [[''], ['c'], 0.0],
  [['a', 'b'], ['a', 'c'], 50.0],
  [['aa'], ['ab'], 25.0],
];

const keepWhitespaceCases: [string[], string[], number][] = [
  [
    ['Die Beziehung zwischen Obama und Netanjahu ist nicht gerade freundlich.'],
    ['Das Verhältnis zwischen Obama und Netanyahu ist nicht gerade freundschaftlich.'],
    67.3481606,
  ],
  [
    [
      'risk assessment must be made of those who are qualified and expertise in the sector - these are the scientists .',
    ],
    [
      'risk assessment has to be undertaken by those who are qualified and expert in that area - that is the scientists .',
    ],
    65.2414427,
  ],
];

describe('chrF against sacreBLEU test/test_chrf.py', () => {
  it.each(epsCases)('eps smoothing: %j against %j', (hyps, refs, expected) => {
    const score = corpusChrf(hyps, [refs], {
      charOrder: 6,
      wordOrder: 0,
      beta: 3,
      epsSmoothing: true,
    });
    expect(Math.abs(score.score - expected)).toBeLessThan(EPSILON);
  });

  it.each(effectiveOrderCases)('effective order: %j against %j', (hyps, refs, expected) => {
    const score = corpusChrf(hyps, [refs], {
      charOrder: 6,
      wordOrder: 0,
      beta: 3,
      epsSmoothing: false,
    });
    expect(Math.abs(score.score - expected)).toBeLessThan(EPSILON);
  });

  it.each(keepWhitespaceCases)('whitespace kept: %j against %j', (hyps, refs, expected) => {
    const score = corpusChrf(hyps, [refs], {
      charOrder: 6,
      wordOrder: 0,
      beta: 3,
      whitespace: true,
    });
    expect(Math.abs(score.score - expected)).toBeLessThan(EPSILON);
  });

  it.each(sentenceLevel)('sentence level: %s', (hyp, refs, expected) => {
    const score = sentenceChrf(hyp, refs, { epsSmoothing: true });
    expect(Math.abs(score.score - expected)).toBeLessThan(EPSILON);
  });
});

describe('chrF signature and multiple references (sacreBLEU 2.6.0 command line on its README example)', () => {
  const refs = [
    ['The dog bit the man.', 'It was not unexpected.', 'The man bit him first.'],
    ['The dog had bit the man.', 'No one was surprised.', 'The man had bitten the dog.'],
  ];
  const hyps = ['The dog bit the man.', "It wasn't surprising.", 'The man had just bitten him.'];

  it('scores chrF with two references as sacreBLEU printed it', () => {
    const score = corpusChrf(hyps, refs);
    expect(score.name).toBe('chrF2');
    expect(score.signature).toBe('nrefs:2|case:mixed|eff:yes|nc:6|nw:0|space:no|version:2.6.0');
    expect(formatFixed(score.score, 1)).toBe('59.7');
  });

  it('scores chrF++ as sacreBLEU printed it', () => {
    const score = chrfPlusPlus(hyps, [refs[0]!]);
    expect(score.name).toBe('chrF2++');
    expect(score.signature).toBe('nrefs:1|case:mixed|eff:yes|nc:6|nw:2|space:no|version:2.6.0');
    expect(formatFixed(score.score, 1)).toBe('51.7');
  });

  it('scores each segment against its best reference', () => {
    const best = corpusChrf(['the cat sat'], [['a dog ran'], ['the cat sat']]);
    const worst = corpusChrf(['the cat sat'], [['a dog ran']]);
    expect(best.score).toBe(100);
    expect(worst.score).toBeLessThan(best.score);
    expect(corpusChrf(['the cat sat'], [['the cat sat'], ['a dog ran']]).score).toBe(100);
  });
});
