/**
 * How the memory cuts text into tokens, for fuzzy scores, for the full-text index and for word
 * counts. The rules (documented in docs of the TM, repeated here because they are the contract):
 *
 * - Text is NFC-normalised, then cut into tokens; white space separates tokens and is not one.
 * - A *word* is a run of letters, digits, combining marks and private-use characters
 *   (`\p{L}\p{N}\p{M}\p{Co}`), except that each Han, Hiragana or Katakana character is a word on
 *   its own, since those scripts do not separate words with spaces (as OmegaT does for CJK).
 * - Every other character (punctuation, symbols) is a token on its own.
 * - Scores compare tokens case-folded (`toLowerCase`), punctuation included: `Hello, world` and
 *   `hello world!` differ by two tokens. Only the exact match (score 100) also needs the case and
 *   the text to agree; see {@link exactKey}.
 */

const CJK = '\\p{sc=Han}\\p{sc=Hiragana}\\p{sc=Katakana}';
const WORD_CHARS = '\\p{L}\\p{N}\\p{M}\\p{Co}';
/** The `v` flag's set difference keeps CJK characters out of word runs. */
const TOKEN = new RegExp(`[${CJK}]|[[${WORD_CHARS}]--[${CJK}]]+|[^\\s${WORD_CHARS}]`, 'gv');
const WORD_START = new RegExp(`^[${WORD_CHARS}]`, 'v');
/** For pure ASCII the same rules need no Unicode tables and no normalisation: 3× faster. */
const NOT_ASCII = /[\u0080-\uffff]/;
const ASCII_TOKEN = /[a-z0-9]+|[^\sa-z0-9]/g;

/** The case-folded tokens of a text, punctuation included: what fuzzy scores compare. */
export function scoreTokens(text: string): string[] {
  if (!NOT_ASCII.test(text)) return text.toLowerCase().match(ASCII_TOKEN) ?? [];
  return text.normalize('NFC').toLowerCase().match(TOKEN) ?? [];
}

/** True when a (case-folded) token is a word rather than punctuation or a symbol. */
export function isWord(token: string): boolean {
  return WORD_START.test(token);
}

/**
 * The terms the full-text index holds for a text: its case-folded words, joined by spaces.
 * The index uses FTS5's `ascii` tokenizer, which splits only at ASCII non-alphanumerics; words
 * never contain one, so the index sees exactly these words and nothing else.
 */
export function indexTerms(tokens: readonly string[]): string {
  return tokens.filter(isWord).join(' ');
}

/** The number of words in a text, as the analysis report counts them. */
export function wordCount(text: string): number {
  let count = 0;
  for (const token of scoreTokens(text)) if (isWord(token)) count++;
  return count;
}

/**
 * The key under which two sources are the same for an exact match: NFC, runs of white space as
 * one space, no leading or trailing space; case and punctuation kept.
 */
export function exactKey(text: string): string {
  return text.normalize('NFC').replace(/\s+/gu, ' ').trim();
}
