import { describe, expect, it } from 'vitest';
import { MAX_SENTENCE_WORDS } from '../src/mt/synthetic/grammar.js';
import { SyntheticPair } from '../src/mt/synthetic/synthetic-pair.js';
import { sourceWords, targetWords } from '../src/mt/synthetic/transduction.js';

describe('synthetic language pair: a seeded grammar and its transduction', () => {
  const pair = SyntheticPair.create({ seed: 7 });
  const { lexicon } = pair;

  it('is the same for the same seed and differs for another', () => {
    const again = SyntheticPair.create({ seed: 7 });
    expect(again.sample('train', 20)).toEqual(pair.sample('train', 20));
    expect(again.tokenizer.toJSON()).toEqual(pair.tokenizer.toJSON());
    const other = SyntheticPair.create({ seed: 8 });
    expect(other.sample('train', 20)).not.toEqual(pair.sample('train', 20));
    expect(pair.sample('dev', 20)).not.toEqual(pair.sample('train', 20));
  });

  it('has a vocabulary of a few hundred words per language, every word known to the tokenizer', () => {
    const sentences = pair.sample('test', 200);
    const source = new Set(sentences.flatMap((s) => s.source.split(/\s+|(?=\.)/)));
    expect(pair.tokenizer.vocabSize).toBeGreaterThan(600);
    expect(pair.tokenizer.vocabSize).toBeLessThan(1200);
    for (const s of sentences) {
      expect(pair.tokenizer.encode(s.source)).not.toContain(pair.tokenizer.special.unk);
      expect(pair.tokenizer.encode(s.target)).not.toContain(pair.tokenizer.special.unk);
    }
    expect(source.size).toBeGreaterThan(150);
  });

  it('keeps sentences within the length the models are built for, with as many target words', () => {
    for (const tree of pair.trees('test', 300)) {
      const source = sourceWords(lexicon, tree);
      expect(source.length).toBeLessThanOrEqual(MAX_SENTENCE_WORDS);
      expect(targetWords(lexicon, tree)).toHaveLength(source.length);
    }
  });

  it('makes target clauses verb-final, adjectives follow nouns, adpositions follow their phrase', () => {
    const verbForms = new Set(lexicon.verbs.flatMap((v) => v.target));
    const adjectiveForms = new Map(
      lexicon.adjectives.flatMap((a, i) => a.target.map((f) => [f, i] as const)),
    );
    const nounForms = new Set(lexicon.nouns.flatMap((n) => n.target));
    for (const tree of pair.trees('test', 200)) {
      const target = targetWords(lexicon, tree);
      expect(verbForms.has(target.at(-2)!)).toBe(true);
      target.forEach((word, i) => {
        if (adjectiveForms.has(word)) expect(nounForms.has(target[i - 1]!)).toBe(true);
      });
      if (tree.first.pp) {
        const clause = tree.first;
        const at = target.indexOf(lexicon.adpositions[clause.pp!.adposition]!.target);
        expect(nounForms.has(target[at - 1]!) || adjectiveForms.has(target[at - 1]!)).toBe(true);
      }
    }
  });

  it('marks number agreement the source leaves out: a past verb takes its subject number', () => {
    const trees = pair.trees('test', 300).filter((t) => t.first.past);
    expect(trees.length).toBeGreaterThan(50);
    for (const tree of trees) {
      const verb = lexicon.verbs[tree.first.verb]!;
      const target = targetWords(lexicon, tree);
      expect(target).toContain(verb.target[tree.first.subject.plural ? 3 : 2]);
      expect(sourceWords(lexicon, tree)).toContain(verb.source[2]);
    }
  });

  it('refuses a seed that is not a safe integer', () => {
    expect(() => SyntheticPair.create({ seed: 1.5 })).toThrow(
      expect.objectContaining({ code: 'ERR_ARGUMENT', argument: 'options.seed' }),
    );
  });
});
