import * as args from '../../actor/arguments.js';
import { deriveSeed, SeededRandom } from '../../util/random.js';
import * as check from '../mt-arguments.js';
import { joinWords, WordTokenizer, type WordVocabulary } from '../tokenizer/index.js';
import { Grammar, type SentenceTree } from './grammar.js';
import { DEFAULT_LEXICON_SIZES, type Lexicon, type LexiconSizes, makeLexicon } from './lexicon.js';
import { sourceWords, targetWords } from './transduction.js';

export interface SyntheticPairOptions {
  readonly seed: number;
  readonly sizes?: Partial<LexiconSizes>;
}

/** A sentence and its ground-truth translation, as text. */
export interface ParallelSentence {
  readonly source: string;
  readonly target: string;
}

/** The joint vocabulary's first entries: the special ids and the prompt's control tokens. */
export const SYNTHETIC_SPECIALS = {
  pad: '<pad>',
  eos: '</s>',
  bos: '<s>',
  unk: '<unk>',
  sep: '<sep>',
  hint: '<hint>',
} as const;

/**
 * A synthetic language pair generated from a seed: a lexicon, a grammar for the source, the
 * transduction to the target (the ground truth), and a word tokenizer over the joint vocabulary
 * of both languages that the pair's translation models read and write.
 *
 * Language tags are `qsx` (source) and `qtx` (target), from ISO 639's range for local use.
 */
export class SyntheticPair {
  static readonly SOURCE_LANGUAGE = 'qsx';
  static readonly TARGET_LANGUAGE = 'qtx';
  readonly seed: number;
  readonly lexicon: Lexicon;
  readonly tokenizer: WordTokenizer;
  readonly #grammar: Grammar;

  private constructor(seed: number, lexicon: Lexicon) {
    this.seed = seed;
    this.lexicon = lexicon;
    this.#grammar = new Grammar(lexicon);
    this.tokenizer = WordTokenizer.fromVocabulary(jointVocabulary(lexicon));
  }

  static create(options: SyntheticPairOptions): SyntheticPair {
    options = check.syntheticPairOptions('SyntheticPair.create', options);
    const sizes = { ...DEFAULT_LEXICON_SIZES, ...options.sizes };
    const random = new SeededRandom(deriveSeed(options.seed, 'synthetic-lexicon'));
    return new SyntheticPair(options.seed, makeLexicon(random, sizes));
  }

  /** `count` sentence trees of a named split; each split is its own seeded stream. */
  trees(split: string, count: number): SentenceTree[] {
    split = args.text('SyntheticPair.trees', 'split', split);
    count = check.syntheticCount('SyntheticPair.trees', count);
    const random = new SeededRandom(deriveSeed(this.seed, `synthetic-split:${split}`));
    return Array.from({ length: count }, () => this.#grammar.sentence(random));
  }

  /** `count` parallel sentences of a named split (`train`, `dev`, `test` or any other name). */
  sample(split: string, count: number): ParallelSentence[] {
    split = args.text('SyntheticPair.sample', 'split', split);
    count = check.syntheticCount('SyntheticPair.sample', count);
    return this.trees(split, count).map((tree) => this.sentence(tree));
  }

  sentence(tree: SentenceTree): ParallelSentence {
    return {
      source: joinWords(sourceWords(this.lexicon, tree)),
      target: joinWords(targetWords(this.lexicon, tree)),
    };
  }
}

/** Specials, then every source form, then every target form; the stop mark once. */
function jointVocabulary(lexicon: Lexicon): WordVocabulary {
  const tokens: string[] = Object.values(SYNTHETIC_SPECIALS);
  const seen = new Set(tokens);
  const add = (words: readonly string[]) => {
    for (const word of words) {
      if (!seen.has(word)) {
        seen.add(word);
        tokens.push(word);
      }
    }
  };
  add(lexicon.determiners.map((d) => d.source));
  add(lexicon.nouns.flatMap((n) => n.source));
  add(lexicon.adjectives.map((a) => a.source));
  add(lexicon.verbs.flatMap((v) => v.source));
  add(lexicon.adpositions.map((p) => p.source));
  add(lexicon.conjunctions.map((c) => c.source));
  add([lexicon.stop]);
  add(lexicon.determiners.flatMap((d) => d.target));
  add(lexicon.nouns.flatMap((n) => n.target));
  add(lexicon.adjectives.flatMap((a) => a.target));
  add(lexicon.verbs.flatMap((v) => v.target));
  add(lexicon.adpositions.map((p) => p.target));
  add(lexicon.conjunctions.map((c) => c.target));
  return {
    type: 'word',
    tokens,
    special: {
      pad: SYNTHETIC_SPECIALS.pad,
      bos: SYNTHETIC_SPECIALS.bos,
      eos: SYNTHETIC_SPECIALS.eos,
      unk: SYNTHETIC_SPECIALS.unk,
    },
    controls: [SYNTHETIC_SPECIALS.sep, SYNTHETIC_SPECIALS.hint],
  };
}
