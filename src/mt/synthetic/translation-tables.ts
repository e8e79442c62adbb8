import type { SyntheticPair } from './synthetic-pair.js';

/**
 * What a translation model of the synthetic pair knows about each id of the joint vocabulary:
 * the word-class features its reordering and agreement rules read, and the target word each
 * source word becomes under each agreement feature.
 *
 * The agreement feature of a source position is f = number + 2·accusative, where `number` is
 * the number of the noun the word agrees with (for a verb: the noun just before it, the end of
 * its subject; otherwise the next noun within two words) and `accusative` says the word comes
 * right after a verb (the determiner of a direct object).
 */
export interface TranslationTables {
  readonly vocab: number;
  readonly isNoun: Float32Array;
  /** 1 for a plural noun form. */
  readonly plural: Float32Array;
  readonly isAdjective: Float32Array;
  readonly isVerb: Float32Array;
  readonly isAdposition: Float32Array;
  readonly isConjunction: Float32Array;
  readonly isStop: Float32Array;
  /** Target id of source id v under feature f at [v·4 + f]; end-of-sequence for non-source ids. */
  readonly target: BigInt64Array;
  /** 1 for the ids a translation may contain: target words and end-of-sequence. */
  readonly output: Uint8Array;
}

export const AGREEMENT_FEATURES = 4;

export function translationTables(pair: SyntheticPair): TranslationTables {
  const { lexicon, tokenizer } = pair;
  const vocab = tokenizer.vocabSize;
  const eos = BigInt(tokenizer.special.eos);
  const tables = {
    vocab,
    isNoun: new Float32Array(vocab),
    plural: new Float32Array(vocab),
    isAdjective: new Float32Array(vocab),
    isVerb: new Float32Array(vocab),
    isAdposition: new Float32Array(vocab),
    isConjunction: new Float32Array(vocab),
    isStop: new Float32Array(vocab),
    target: new BigInt64Array(vocab * AGREEMENT_FEATURES).fill(eos),
    output: new Uint8Array(vocab),
  };
  const id = (word: string): number => {
    const found = tokenizer.idOf(word);
    if (found === undefined)
      throw new Error(`synthetic pair: "${word}" is missing from the vocabulary`);
    return found;
  };
  /** Source word `word` becomes `choose(f)` under each feature f. */
  const map = (word: string, choose: (number: 0 | 1, accusative: boolean) => string) => {
    const v = id(word);
    for (let f = 0; f < AGREEMENT_FEATURES; f++) {
      const target = id(choose((f & 1) as 0 | 1, f >= 2));
      tables.target[v * AGREEMENT_FEATURES + f] = BigInt(target);
      tables.output[target] = 1;
    }
    return v;
  };
  for (const det of lexicon.determiners)
    map(det.source, (n, acc) => det.target[(acc ? 2 : 0) + n]!);
  for (const noun of lexicon.nouns) {
    tables.isNoun[map(noun.source[0], () => noun.target[0])] = 1;
    const plural = map(noun.source[1], () => noun.target[1]);
    tables.isNoun[plural] = 1;
    tables.plural[plural] = 1;
  }
  for (const adj of lexicon.adjectives)
    tables.isAdjective[map(adj.source, (n) => adj.target[n])] = 1;
  for (const verb of lexicon.verbs) {
    // The present forms mark the number themselves; the feature still comes from the subject,
    // which agrees with them, so one rule serves both tenses.
    tables.isVerb[map(verb.source[0], (n) => verb.target[n])] = 1;
    tables.isVerb[map(verb.source[1], (n) => verb.target[n])] = 1;
    tables.isVerb[map(verb.source[2], (n) => verb.target[2 + n]!)] = 1;
  }
  for (const p of lexicon.adpositions) tables.isAdposition[map(p.source, () => p.target)] = 1;
  for (const c of lexicon.conjunctions) tables.isConjunction[map(c.source, () => c.target)] = 1;
  tables.isStop[map(lexicon.stop, () => lexicon.stop)] = 1;
  tables.output[tokenizer.special.eos] = 1;
  return tables;
}
