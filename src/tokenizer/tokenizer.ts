import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tokenizer as HfTokenizer } from '@huggingface/tokenizers';
import { ArgumentError, TokenizerError } from '../errors.js';
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
    if (typeof dir !== 'string' || dir === '')
      throw new ArgumentError(
        `Tokenizer.fromFolder: dir must be a folder's path, got ${shown(dir)}`,
        'dir',
      );
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
    if (typeof text !== 'string')
      throw new ArgumentError(`encode: text must be a string, got ${shown(text)}`, 'text');
    const add = flag('encode', 'options.addSpecialTokens', options, 'addSpecialTokens');
    return this.#inner.encode(text, { add_special_tokens: add ?? true }).ids;
  }

  decode(ids: readonly number[], options: DecodeOptions = {}): string {
    if (!Array.isArray(ids))
      throw new ArgumentError(
        `decode: ids must be an array of token ids, got ${shown(ids)}`,
        'ids',
      );
    // Read once into the copy that is decoded: what is checked is what is used.
    const copy = readIds(ids);
    for (const [at, id] of copy.entries()) {
      if (!Number.isSafeInteger(id) || (id as number) < 0)
        throw new ArgumentError(
          `decode: ids[${at}] must be an integer >= 0, got ${shown(id)}`,
          `ids[${at}]`,
        );
    }
    const skip = flag('decode', 'options.skipSpecialTokens', options, 'skipSpecialTokens');
    return this.#inner.decode(copy as number[], {
      skip_special_tokens: skip ?? true,
      clean_up_tokenization_spaces: false,
    });
  }

  /** The id of one vocabulary entry, or undefined. */
  idOf(token: string): number | undefined {
    return this.#inner.token_to_id(token);
  }
}

/** A value for a message, without running the caller's code. */
function shown(value: unknown): string {
  return typeof value === 'number' ? String(value) : value === null ? 'null' : typeof value;
}

function readIds(ids: readonly unknown[]): unknown[] {
  try {
    return Array.from({ length: ids.length }, (_, i) => ids[i]);
  } catch (error) {
    throw new ArgumentError(`decode: ids could not be read: ${(error as Error)?.message}`, 'ids');
  }
}

/** An optional boolean option, read once; the options themselves must be an object. */
function flag(where: string, argument: string, options: unknown, key: string): boolean | undefined {
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    throw new ArgumentError(
      `${where}: options must be an object, got ${shown(options)}`,
      'options',
    );
  let value: unknown;
  try {
    value = (options as Record<string, unknown>)[key];
  } catch (error) {
    throw new ArgumentError(
      `${where}: ${argument} could not be read: ${(error as Error)?.message}`,
      argument,
    );
  }
  if (value !== undefined && typeof value !== 'boolean')
    throw new ArgumentError(
      `${where}: ${argument} must be a boolean, got ${shown(value)}`,
      argument,
    );
  return value;
}

function parseJson(file: string): object {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as object;
  } catch (cause) {
    throw new TokenizerError(`${file} is not valid JSON: ${(cause as Error).message}`, { cause });
  }
}
