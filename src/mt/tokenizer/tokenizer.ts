/**
 * The contract between text and the token ids a translation model reads and writes.
 *
 * The translator (src/mt/translate/) only ever calls these members, so any tokenizer that
 * implements them can be plugged in: the built-in {@link WordTokenizer} of the synthetic models,
 * or a real subword tokenizer (SentencePiece, Hugging Face `tokenizers`) behind a small adapter.
 * See docs/translation.md, "The tokenizer interface".
 */

/** Ids every tokenizer reserves. They never appear in decoded text. */
export interface SpecialIds {
  /** Left-pads a model's context window. */
  readonly pad: number;
  /** Begins the source segment of a prompt. */
  readonly bos: number;
  /** Ends a generated sequence: the decode plan's `endToken`. */
  readonly eos: number;
  /** Stands for any piece the vocabulary lacks. */
  readonly unk: number;
}

export interface Tokenizer {
  /** Ids run from 0 to vocabSize − 1; a model's logits have this many columns. */
  readonly vocabSize: number;
  readonly special: SpecialIds;
  /** The ids of a text, without bos or eos (the prompt layout adds those). */
  encode(text: string): number[];
  /** The text of ids; special and control ids are skipped. */
  decode(ids: readonly number[]): string;
  /**
   * The id of one vocabulary entry, or undefined. The prompt layout finds its control tokens
   * (`<sep>`, `<hint>`) this way; SentencePiece calls it `piece_to_id`, HF `token_to_id`.
   */
  idOf(token: string): number | undefined;
}
