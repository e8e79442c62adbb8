import { describe, list, optionsCopy, refuse, strings } from '../../actor/arguments.js';
import { ArgumentError } from '../../errors.js';
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
        refuse('word vocabulary', `vocabulary.tokens[${id}]`, 'a non-empty string', token);
      if (ids.has(token))
        throw new ArgumentError(
          `word vocabulary: "${token}" is both entry ${ids.get(token)} and entry ${id}`,
          `vocabulary.tokens[${id}]`,
        );
      ids.set(token, id);
    });
    this.#ids = ids;
    const idOfSpecial = (role: keyof SpecialIds): number => {
      const token = vocabulary.special?.[role];
      const id = typeof token === 'string' ? ids.get(token) : undefined;
      if (id === undefined)
        throw new ArgumentError(
          `word vocabulary: special "${role}" names ${describe(token)}, which is not an entry`,
          `vocabulary.special.${role}`,
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
        throw new ArgumentError(
          `word vocabulary: control ${describe(control)} is not an entry`,
          'vocabulary.controls',
        );
      silent.add(id);
    }
    this.#silent = silent;
    this.vocabSize = this.#tokens.length;
  }

  /**
   * A tokenizer over a vocabulary, read once into a plain copy; an ArgumentError names the entry
   * that is wrong (`vocabulary.tokens[3]`, `vocabulary.special.eos`).
   */
  static fromVocabulary(vocabulary: WordVocabulary): WordTokenizer {
    const where = 'WordTokenizer.fromVocabulary';
    const copy = optionsCopy(where, 'vocabulary', vocabulary ?? null, [
      'type',
      'tokens',
      'special',
      'controls',
    ]);
    if (copy.type !== 'word') refuse(where, 'vocabulary.type', '"word"', copy.type);
    const special =
      copy.special === undefined
        ? undefined
        : optionsCopy(where, 'vocabulary.special', copy.special, ['pad', 'bos', 'eos', 'unk']);
    return new WordTokenizer({
      type: 'word',
      tokens: list(where, 'vocabulary.tokens', copy.tokens, 'an array of strings', (t) => t),
      special: special as WordVocabulary['special'],
      ...(copy.controls !== undefined
        ? { controls: strings(where, 'vocabulary.controls', copy.controls) }
        : {}),
    } as WordVocabulary);
  }

  encode(text: string): number[] {
    if (typeof text !== 'string') refuse('encode', 'text', 'a string', text);
    return splitWords(text).map((piece) => this.#ids.get(piece) ?? this.special.unk);
  }

  decode(ids: readonly number[]): string {
    const pieces: string[] = [];
    const checked = list('decode', 'ids', ids, 'an array of token ids', (id) => id);
    for (const [i, id] of checked.entries()) {
      if (this.#silent.has(id as number)) continue;
      const token = Number.isSafeInteger(id) ? this.#tokens[id as number] : undefined;
      if (token === undefined)
        throw new ArgumentError(
          `decode: ids[${i}] is ${describe(id)}, outside the vocabulary of ${this.vocabSize} entries`,
          `ids[${i}]`,
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
