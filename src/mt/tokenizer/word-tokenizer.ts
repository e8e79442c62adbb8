import type { SpecialIds, Tokenizer } from './tokenizer.js';

/** A word vocabulary as a JSON file holds it (`vocab.json` of a translation plan). */
export interface WordVocabulary {
  readonly type: 'word';
  /** Every entry; an entry's id is its index. */
  readonly tokens: readonly string[];
  /** Which entries are the special ids. */
  readonly special: {
    readonly pad: string;
    readonly bos: string;
    readonly eos: string;
    readonly unk: string;
  };
  /** Further entries that steer models and never reach text (the prompt's `<sep>`, `<hint>`). */
  readonly controls?: readonly string[];
}

/** A word, or one punctuation mark or symbol. */
const PIECE = /[\p{L}\p{N}\p{M}]+|[^\s\p{L}\p{N}\p{M}]/gu;
/** Marks written without a space before them. */
const CLOSING = new Set(['.', ',', ';', ':', '!', '?', ')', ']', '}', '%']);
const OPENING = new Set(['(', '[', '{']);

/** The pieces the word tokenizer cuts a text into: words and single punctuation marks. */
export function splitWords(text: string): string[] {
  return text.normalize('NFC').match(PIECE) ?? [];
}

/** Joins pieces back into text: spaces between words, none before closing marks. */
export function joinWords(pieces: readonly string[]): string {
  let text = '';
  for (const piece of pieces) {
    const glue = text === '' || CLOSING.has(piece) || OPENING.has(text.at(-1)!) ? '' : ' ';
    text += glue + piece;
  }
  return text;
}

/**
 * The built-in tokenizer: one id per word of a closed vocabulary, case-sensitive, punctuation
 * marks as words of their own. It is exact for the synthetic language pair, whose vocabulary is
 * known; a real language needs a subword tokenizer instead (docs/translation.md).
 */
export class WordTokenizer implements Tokenizer {
  readonly vocabSize: number;
  readonly special: SpecialIds;
  readonly #tokens: readonly string[];
  readonly #ids: ReadonlyMap<string, number>;
  /** Ids decode() skips: the special ids and the controls. */
  readonly #silent: ReadonlySet<number>;

  private constructor(vocabulary: WordVocabulary) {
    this.#tokens = [...vocabulary.tokens];
    const ids = new Map<string, number>();
    this.#tokens.forEach((token, id) => {
      if (typeof token !== 'string' || token === '')
        throw new TypeError(
          `word vocabulary: entry ${id} must be a non-empty string, got ${JSON.stringify(token)}`,
        );
      if (ids.has(token))
        throw new RangeError(
          `word vocabulary: "${token}" is both entry ${ids.get(token)} and entry ${id}`,
        );
      ids.set(token, id);
    });
    this.#ids = ids;
    const idOfSpecial = (role: keyof SpecialIds): number => {
      const token = vocabulary.special?.[role];
      const id = typeof token === 'string' ? ids.get(token) : undefined;
      if (id === undefined)
        throw new RangeError(
          `word vocabulary: special "${role}" names ${JSON.stringify(token)}, which is not an entry`,
        );
      return id;
    };
    this.special = {
      pad: idOfSpecial('pad'),
      bos: idOfSpecial('bos'),
      eos: idOfSpecial('eos'),
      unk: idOfSpecial('unk'),
    };
    const silent = new Set(Object.values(this.special));
    for (const control of vocabulary.controls ?? []) {
      const id = ids.get(control);
      if (id === undefined)
        throw new RangeError(`word vocabulary: control "${control}" is not an entry`);
      silent.add(id);
    }
    this.#silent = silent;
    this.vocabSize = this.#tokens.length;
  }

  /** A tokenizer over a vocabulary; TypeError/RangeError name the entry that is wrong. */
  static fromVocabulary(vocabulary: WordVocabulary): WordTokenizer {
    if (typeof vocabulary !== 'object' || vocabulary === null || vocabulary.type !== 'word')
      throw new TypeError('a word vocabulary is an object with "type": "word"');
    if (!Array.isArray(vocabulary.tokens))
      throw new TypeError('a word vocabulary needs "tokens", an array of strings');
    return new WordTokenizer(vocabulary);
  }

  encode(text: string): number[] {
    if (typeof text !== 'string')
      throw new TypeError(`encode: text must be a string, got ${typeof text}`);
    return splitWords(text).map((piece) => this.#ids.get(piece) ?? this.special.unk);
  }

  decode(ids: readonly number[]): string {
    const pieces: string[] = [];
    for (const id of ids) {
      if (this.#silent.has(id)) continue;
      const token = this.#tokens[id];
      if (token === undefined)
        throw new RangeError(
          `decode: id ${id} is outside the vocabulary of ${this.vocabSize} entries`,
        );
      pieces.push(token);
    }
    return joinWords(pieces);
  }

  idOf(token: string): number | undefined {
    return this.#ids.get(token);
  }

  /** The entry of an id. */
  token(id: number): string | undefined {
    return this.#tokens[id];
  }

  toJSON(): WordVocabulary {
    const byId = (id: number) => this.#tokens[id]!;
    const specials = new Set(Object.values(this.special));
    return {
      type: 'word',
      tokens: this.#tokens,
      special: {
        pad: byId(this.special.pad),
        bos: byId(this.special.bos),
        eos: byId(this.special.eos),
        unk: byId(this.special.unk),
      },
      controls: [...this.#silent].filter((id) => !specials.has(id)).map(byId),
    };
  }
}
