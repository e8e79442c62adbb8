import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tokenizer as HfTokenizer } from '@huggingface/tokenizers';
import { TokenizerError } from '../errors.js';
import { readSpecialTokens, type SpecialTokenIds } from './special-tokens.js';

export interface EncodeOptions {
  /** Adds what the tokenizer's post-processor adds (bos/eos for some models); true unless told. */
  readonly addSpecialTokens?: boolean;
}

export interface DecodeOptions {
  /** Leaves special tokens (bos, eos, pad…) out of the text; true unless told. */
  readonly skipSpecialTokens?: boolean;
}

/**
 * A model folder's tokenizer: its `tokenizer.json` run by the pure-TypeScript
 * `@huggingface/tokenizers` (chosen over the Rust bindings by measurement, docs/tokenizers.md),
 * with the special token ids the folder's configs declare. Text in, text out.
 */
export class Tokenizer {
  /** The special ids of the folder (see {@link readSpecialTokens} for where each comes from). */
  readonly special: SpecialTokenIds;
  readonly #inner: HfTokenizer;
  #vocabSize: number | undefined;

  private constructor(inner: HfTokenizer, special: SpecialTokenIds) {
    this.#inner = inner;
    this.special = special;
  }

  /**
   * Loads `tokenizer.json` (and `tokenizer_config.json` when present) from `dir`. A folder without
   * `tokenizer.json`, or with one that does not parse, is a {@link TokenizerError}.
   */
  static fromFolder(dir: string): Tokenizer {
    const file = join(dir, 'tokenizer.json');
    if (!existsSync(file)) {
      throw new TokenizerError(`model folder ${dir} has no tokenizer.json`);
    }
    const json = parseJson(file);
    const configFile = join(dir, 'tokenizer_config.json');
    const config = existsSync(configFile) ? parseJson(configFile) : {};
    let inner: HfTokenizer;
    try {
      inner = new HfTokenizer(json, config);
    } catch (cause) {
      throw new TokenizerError(
        `tokenizer.json of ${dir} is not a tokenizer this library reads: ${(cause as Error).message}`,
        { cause },
      );
    }
    return new Tokenizer(
      inner,
      readSpecialTokens(dir, (token) => inner.token_to_id(token)),
    );
  }

  /** Size of the vocabulary, added tokens included. */
  get vocabSize(): number {
    // The library builds a new map of the whole vocabulary on each call.
    const size = this.#vocabSize ?? this.#inner.get_vocab(true).size;
    this.#vocabSize = size;
    return size;
  }

  encode(text: string, options: EncodeOptions = {}): number[] {
    if (typeof text !== 'string') {
      throw new TypeError(`encode takes a string, got ${typeof text}`);
    }
    return this.#inner.encode(text, { add_special_tokens: options.addSpecialTokens ?? true }).ids;
  }

  decode(ids: readonly number[], options: DecodeOptions = {}): string {
    for (const [at, id] of ids.entries()) {
      if (!Number.isSafeInteger(id) || id < 0) {
        throw new RangeError(`token id at index ${at} must be an integer >= 0, got ${id}`);
      }
    }
    return this.#inner.decode([...ids], {
      skip_special_tokens: options.skipSpecialTokens ?? true,
      clean_up_tokenization_spaces: false,
    });
  }

  /** The id of one vocabulary entry, or undefined. */
  idOf(token: string): number | undefined {
    return this.#inner.token_to_id(token);
  }
}

function parseJson(file: string): object {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as object;
  } catch (cause) {
    throw new TokenizerError(`${file} is not valid JSON: ${(cause as Error).message}`, { cause });
  }
}
