import { describe } from '../../actor/arguments.js';
import { ArgumentError } from '../../errors.js';
import { codePoints } from './python-text.js';
import { tokenize13a } from './tokenizer-13a.js';
import { tokenizeIntl } from './tokenizer-intl.js';

/** The names sacreBLEU gives these tokenizers, which also appear in the signature (`tok:13a`). */
export type BleuTokenizerName = '13a' | 'none' | 'intl' | 'char';

/** Turns a segment into space-separated tokens. */
export type Tokenize = (line: string) => string;

const tokenizers: Readonly<Record<BleuTokenizerName, Tokenize>> = {
  '13a': tokenize13a,
  // sacreBLEU's 'none' returns the segment as it is; BLEU then splits it on whitespace.
  none: (line) => line,
  intl: tokenizeIntl,
  char: (line) => codePoints(line).join(' '),
};

export const BLEU_TOKENIZERS: readonly BleuTokenizerName[] = Object.keys(
  tokenizers,
) as BleuTokenizerName[];

export function bleuTokenizer(name: BleuTokenizerName): Tokenize {
  if (typeof name !== 'string' || !Object.hasOwn(tokenizers, name)) {
    throw new ArgumentError(
      `bleuTokenizer: name must be one of ${BLEU_TOKENIZERS.map((t) => `'${t}'`).join(', ')}, got ${describe(name)}`,
      'name',
    );
  }
  return tokenizers[name];
}
