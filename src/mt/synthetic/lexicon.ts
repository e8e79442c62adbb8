import type { SeededRandom } from '../../util/random.js';

/**
 * The words of the synthetic language pair: for every lemma its source forms and the target
 * forms the transduction chooses among. Both languages' words are made up from syllables by a
 * seeded generator, each language with its own sound shape (source: closed syllables, target:
 * open ones), and every surface form is unique across both languages except the full stop.
 */

/** A determiner only goes with nouns of its number, or with both. */
export type DeterminerNumber = 'sg' | 'pl' | 'any';

export interface Determiner {
  readonly source: string;
  readonly number: DeterminerNumber;
  /** Target forms by case and number: nominative sg, nominative pl, accusative sg, accusative pl. */
  readonly target: readonly [string, string, string, string];
}

export interface Noun {
  /** Singular, plural. */
  readonly source: readonly [string, string];
  readonly target: readonly [string, string];
}

export interface Adjective {
  /** Source adjectives do not inflect; target ones agree in number with their noun. */
  readonly source: string;
  readonly target: readonly [string, string];
}

export interface Verb {
  /** Present 3rd person singular, present plural, past (the same for both numbers). */
  readonly source: readonly [string, string, string];
  /** Present sg, present pl, past sg, past pl: the target marks number in the past too. */
  readonly target: readonly [string, string, string, string];
  readonly transitive: boolean;
}

/** A source preposition becomes a target postposition. */
export interface Adposition {
  readonly source: string;
  readonly target: string;
}

export interface Conjunction {
  readonly source: string;
  readonly target: string;
}

export interface Lexicon {
  readonly determiners: readonly Determiner[];
  readonly nouns: readonly Noun[];
  readonly adjectives: readonly Adjective[];
  readonly verbs: readonly Verb[];
  readonly adpositions: readonly Adposition[];
  readonly conjunctions: readonly Conjunction[];
  /** The sentence-final mark, the same in both languages. */
  readonly stop: string;
}

export interface LexiconSizes {
  readonly nouns: number;
  readonly adjectives: number;
  readonly transitiveVerbs: number;
  readonly intransitiveVerbs: number;
  readonly adpositions: number;
}

export const DEFAULT_LEXICON_SIZES: LexiconSizes = {
  nouns: 100,
  adjectives: 40,
  transitiveVerbs: 40,
  intransitiveVerbs: 20,
  adpositions: 8,
};

/** Number classes of the eight determiners, like the, a, this, that, these, those, some, every. */
const DETERMINER_NUMBERS: readonly DeterminerNumber[] = [
  'any',
  'sg',
  'sg',
  'sg',
  'pl',
  'pl',
  'any',
  'any',
];
const CONJUNCTIONS = 2;

const SOURCE_ONSETS = [
  'b',
  'd',
  'f',
  'g',
  'k',
  'l',
  'm',
  'n',
  'p',
  'r',
  't',
  'v',
  'z',
  'br',
  'dr',
  'fl',
  'gr',
  'kl',
  'pl',
  'st',
  'tr',
  'sk',
];
const SOURCE_VOWELS = ['a', 'e', 'i', 'o', 'u'];
const SOURCE_CODAS = ['l', 'm', 'n', 'r', 'k', 't', 'p', 'nd', 'rk', 'lt'];
const TARGET_ONSETS = ['k', 't', 'm', 'n', 'h', 'y', 'r', 'w', 'ch', 'sh', 'ts', 'j', 'g', 'b'];
const TARGET_VOWELS = ['a', 'i', 'u', 'e', 'o'];

/** Draws words until every form of a lemma is new; remembers every form handed out. */
class WordMint {
  readonly #random: SeededRandom;
  readonly #used = new Set<string>(['.']);

  constructor(random: SeededRandom) {
    this.#random = random;
  }

  /** A source stem of `syllables` closed syllables (so `+s` and `+ed` read as suffixes). */
  sourceStem(syllables: number): string {
    let stem = '';
    for (let i = 0; i < syllables; i++)
      stem += this.#pick(SOURCE_ONSETS) + this.#pick(SOURCE_VOWELS);
    return stem + this.#pick(SOURCE_CODAS);
  }

  /** A short open source word (determiners), unlike every content word, which ends closed. */
  sourceOpen(): string {
    return this.#pick(SOURCE_ONSETS) + this.#pick(SOURCE_VOWELS);
  }

  /** A target stem of `syllables` open syllables. */
  targetStem(syllables: number): string {
    let stem = '';
    for (let i = 0; i < syllables; i++)
      stem += this.#pick(TARGET_ONSETS) + this.#pick(TARGET_VOWELS);
    return stem;
  }

  /** The forms `make(stem)` builds from fresh stems, retried until none was used before. */
  fresh<F extends readonly string[]>(stem: () => string, make: (stem: string) => F): F {
    for (let attempt = 0; attempt < 100_000; attempt++) {
      const forms = make(stem());
      if (new Set(forms).size === forms.length && forms.every((form) => !this.#used.has(form))) {
        for (const form of forms) this.#used.add(form);
        return forms;
      }
    }
    throw new RangeError(
      `lexicon: no fresh word left after ${this.#used.size} words; ask for fewer`,
    );
  }

  #pick(options: readonly string[]): string {
    return options[this.#random.int(options.length)]!;
  }
}

/** Builds the lexicon from a seeded generator; the same generator state gives the same words. */
export function makeLexicon(
  random: SeededRandom,
  sizes: LexiconSizes = DEFAULT_LEXICON_SIZES,
): Lexicon {
  const mint = new WordMint(random);
  const syllables = () => 1 + random.int(2);
  const targetSyllables = () => 2 + random.int(2);
  const determiners = DETERMINER_NUMBERS.map((number): Determiner => {
    const [source] = mint.fresh(
      () => mint.sourceOpen(),
      (s) => [s] as const,
    );
    const target = mint.fresh(
      () => mint.targetStem(1),
      (s) => [s, `${s}n`, `${s}mo`, `${s}mon`] as const,
    );
    return { source, number, target };
  });
  const nouns = Array.from(
    { length: sizes.nouns },
    (): Noun => ({
      source: mint.fresh(
        () => mint.sourceStem(syllables()),
        (s) => [s, `${s}s`] as const,
      ),
      target: mint.fresh(
        () => mint.targetStem(targetSyllables()),
        (s) => [s, `${s}n`] as const,
      ),
    }),
  );
  const adjectives = Array.from({ length: sizes.adjectives }, (): Adjective => {
    const [source] = mint.fresh(
      () => mint.sourceStem(syllables()),
      (s) => [s] as const,
    );
    const target = mint.fresh(
      () => mint.targetStem(targetSyllables()),
      (s) => [`${s}i`, `${s}ri`] as const,
    );
    return { source, target };
  });
  const verb = (transitive: boolean): Verb => ({
    source: mint.fresh(
      () => mint.sourceStem(syllables()),
      (s) => [`${s}s`, s, `${s}ed`] as const,
    ),
    target: mint.fresh(
      () => mint.targetStem(targetSyllables()),
      (s) => [`${s}ru`, `${s}run`, `${s}ta`, `${s}tan`] as const,
    ),
    transitive,
  });
  const verbs = [
    ...Array.from({ length: sizes.transitiveVerbs }, () => verb(true)),
    ...Array.from({ length: sizes.intransitiveVerbs }, () => verb(false)),
  ];
  const single = (): { source: string; target: string } => {
    const [source] = mint.fresh(
      () => mint.sourceStem(1),
      (s) => [s] as const,
    );
    const [target] = mint.fresh(
      () => mint.targetStem(1 + random.int(2)),
      (s) => [s] as const,
    );
    return { source, target };
  };
  const adpositions = Array.from({ length: sizes.adpositions }, single);
  const conjunctions = Array.from({ length: CONJUNCTIONS }, single);
  return { determiners, nouns, adjectives, verbs, adpositions, conjunctions, stop: '.' };
}
