import { SPECIAL_TOKENS } from './decoder-options.js';

const SPECIAL_TEXT = ['<pad>', '<s>', '</s>', '<unk>'] as const;
const SYLLABLES = ['ba', 'ke', 'li', 'mo', 'nu', 'pa', 're', 'si', 'to', 'vu'] as const;

/**
 * The word a generated vocabulary gives id `id`: the special tokens first, then made-up words of
 * syllables (the id's digits in bijective base 10, so every id has its own word).
 */
export function vocabularyWord(id: number): string {
  const special = SPECIAL_TEXT[id];
  if (special !== undefined) return special;
  let word = '';
  for (let n = id - SPECIAL_TEXT.length; n >= 0; n = Math.floor(n / 10) - 1) {
    word += SYLLABLES[n % 10];
  }
  return word;
}

/**
 * A `tokenizer.json` for a generated vocabulary: one token per whitespace-separated word, unknown
 * words as `<unk>`. It is a WordPiece model without sub-word pieces, since the TypeScript library
 * (src/tokenizer/) reads WordPiece and not WordLevel; both spell text the same here.
 */
export function wordTokenizerJson(vocab: number): object {
  const words: Record<string, number> = {};
  for (let id = 0; id < vocab; id++) words[vocabularyWord(id)] = id;
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIAL_TEXT.map((content, id) => ({
      id,
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: null,
    pre_tokenizer: { type: 'WhitespaceSplit' },
    post_processor: null,
    decoder: { type: 'WordPiece', prefix: '##', cleanup: false },
    model: {
      type: 'WordPiece',
      unk_token: SPECIAL_TEXT[SPECIAL_TOKENS.unk],
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab: words,
    },
  };
}

/** The `tokenizer_config.json` that names the special tokens. */
export function wordTokenizerConfig(): object {
  return {
    tokenizer_class: 'PreTrainedTokenizerFast',
    bos_token: SPECIAL_TEXT[SPECIAL_TOKENS.bos],
    eos_token: SPECIAL_TEXT[SPECIAL_TOKENS.eos],
    pad_token: SPECIAL_TEXT[SPECIAL_TOKENS.pad],
    unk_token: SPECIAL_TEXT[SPECIAL_TOKENS.unk],
    clean_up_tokenization_spaces: false,
  };
}
