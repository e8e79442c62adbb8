import { splitWords } from './python-text.js';

/**
 * The international tokenizer of mteval-v14.pl as sacreBLEU 2.6.0 implements it
 * (`tokenizer_intl.py`): every Unicode punctuation mark is split off unless it sits between
 * digits, and every symbol is split off. The property classes come from the engine's Unicode
 * tables, so a code point assigned after the version Node ships may differ from Python's `regex`.
 */
export function tokenizeIntl(line: string): string {
  const text = line
    .replace(/(\P{N})(\p{P})/gu, '$1 $2 ')
    .replace(/(\p{P})(\P{N})/gu, ' $1 $2')
    .replace(/(\p{S})/gu, ' $1 ');
  return splitWords(text).join(' ');
}
