import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scoreTokens, TranslationMemory } from '../src/mt/tm/index.js';
import { exactKey } from '../src/mt/tm/tokenize.js';
import { seededRandom } from '../src/util/mulberry32.js';
import { syntheticCorpus } from './fixtures/tmx/synthetic-corpus.js';

const SIZE = 3000;

/** The reference: every segment's score against the query, the slow obvious way. */
function bruteForce(sources: readonly string[][], keys: readonly string[], text: string): number[] {
  const query = scoreTokens(text);
  return sources.map((tokens, index) => {
    let row = Array.from({ length: tokens.length + 1 }, (_, j) => j);
    for (let i = 1; i <= query.length; i++) {
      const next = [i];
      for (let j = 1; j <= tokens.length; j++) {
        const same = query[i - 1] === tokens[j - 1] ? 0 : 1;
        next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + same);
      }
      row = next;
    }
    const longest = Math.max(query.length, tokens.length);
    const score = Math.floor((100 * (longest - row[tokens.length]!)) / longest);
    return keys[index] === exactKey(text) ? 100 : Math.min(score, 99);
  });
}

describe('fuzzy lookup through the full-text index loses no match and reads few rows', () => {
  const corpus = syntheticCorpus(3);
  const sources = Array.from({ length: SIZE }, (_, n) => corpus.sentence(n));
  const tokenized = sources.map(scoreTokens);
  const keys = sources.map(exactKey);
  const reference = new Map<string, number[]>();
  let memory: TranslationMemory;

  beforeAll(() => {
    memory = TranslationMemory.open(':memory:');
    memory.addMany(
      sources.map((source) => ({ from: 'en', to: 'fr', source, target: corpus.translate(source) })),
    );
  });
  afterAll(() => memory.close());

  const random = seededRandom(41);
  const queries: string[] = [];
  for (let q = 0; q < 60; q++) {
    const base = sources[Math.floor(random() * SIZE)]!;
    const edits = Math.floor(random() * 4);
    let query = corpus.perturb(base, edits, random);
    if (q % 10 === 0) query = query.toUpperCase();
    queries.push(query);
  }
  queries.push('Zamka.', '!!!', 'Ka, lo.', sources[7]!.replace(/ /g, '  '));

  it.each([
    [75, 'any term', Number.POSITIVE_INFINITY, 1],
    [50, 'any term', Number.POSITIVE_INFINITY, 1],
    [75, 'two terms', 0, 2],
    [50, 'two terms', 0, 2],
    [75, 'three terms', 0, 3],
    [50, 'three terms', 0, 3],
  ])(
    'returns exactly the brute-force matches at min %i, candidates holding %s',
    (min, _, countFilterFrom, maxNeed) => {
      let candidates = 0;
      const strategies = new Set<string>();
      const needs = new Set<number>();
      for (const query of queries) {
        const trace = memory.explain(query, {
          from: 'en',
          to: 'fr',
          min,
          limit: SIZE,
          countFilterFrom,
          maxNeed,
        });
        strategies.add(trace.strategy);
        needs.add(trace.need);
        const got = new Map(trace.matches.map((m) => [m.id, m.score]));
        const all = reference.get(query) ?? bruteForce(tokenized, keys, query);
        reference.set(query, all);
        const expected = new Map<number, number>();
        all.forEach((score, index) => {
          if (score >= min) expected.set(index + 1, score);
        });
        expect(got, query).toEqual(expected);
        expect(trace.truncated).toBe(false);
        candidates += trace.candidates;
      }
      expect(strategies).toContain(countFilterFrom === 0 ? 'index-count' : 'index');
      expect(Math.max(...needs)).toBe(maxNeed);
      // The index narrows each lookup to a small share of the memory.
      const share = candidates / queries.length / SIZE;
      expect(share).toBeLessThan(min === 75 ? 0.05 : 0.25);
    },
  );

  it('uses the index for word queries and the length scan only for punctuation', () => {
    expect(memory.explain(queries[1]!, { from: 'en', to: 'fr' }).strategy).toBe('index');
    const punctuation = memory.explain('!!!', { from: 'en', to: 'fr' });
    expect(punctuation.strategy).toBe('scan');
    const trace = memory.explain(sources[3]!, { from: 'en', to: 'fr' });
    expect(trace.terms.length).toBeGreaterThan(0);
    expect(trace.candidates).toBeLessThan(SIZE / 20);
  });

  it('SQLite plans the exact query on the hash index and the fuzzy one on FTS5', () => {
    const plans = memory.queryPlans('en', 'fr');
    expect(plans.exact.join('\n')).toMatch(
      /SEARCH s USING INDEX segments_src_hash \(src_hash=\?\)/,
    );
    expect(plans.fuzzy[0]).toMatch(/SCAN t VIRTUAL TABLE INDEX/);
    expect(plans.fuzzy.join('\n')).toMatch(/SEARCH s USING INTEGER PRIMARY KEY \(rowid=\?\)/);
    expect(plans.fuzzy.join('\n')).not.toMatch(/SCAN s\b/);
  });
});
