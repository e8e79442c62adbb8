import { splitWords } from './python-text.js';

/**
 * The tokenizer of mteval-v13a.pl as sacreBLEU 2.6.0 implements it (`tokenizer_13a.py` and
 * `tokenizer_re.py`): BLEU's default, and what WMT reports. Only ASCII punctuation is split off;
 * periods and commas stay inside numbers, a dash after a digit is split off.
 */
export function tokenize13a(line: string): string {
  let text = line.replaceAll('<skipped>', '').replaceAll('-\n', '').replaceAll('\n', ' ');
  if (text.includes('&')) {
    text = text
      .replaceAll('&quot;', '"')
      .replaceAll('&amp;', '&')
      .replaceAll('&lt;', '<')
      .replaceAll('&gt;', '>');
  }
  return splitPunctuation(` ${text} `);
}

// The ranges are mteval's: { | } ~, [ \ ] ^ _ `, space ! " # $ % &, ( ) * +, : ; < = > ?  @, and /.
const PUNCTUATION = /([{-~[-`\u0020-&(-+:-@/])/g;
const BEFORE_PERIOD_OR_COMMA = /([^0-9])([.,])/g;
const AFTER_PERIOD_OR_COMMA = /([.,])([^0-9])/g;
const DASH_AFTER_DIGIT = /([0-9])(-)/g;

/** sacreBLEU's `TokenizerRegexp`, the language-dependent half of 13a. */
function splitPunctuation(line: string): string {
  const text = line
    .replace(PUNCTUATION, ' $1 ')
    .replace(BEFORE_PERIOD_OR_COMMA, '$1 $2 ')
    .replace(AFTER_PERIOD_OR_COMMA, ' $1 $2')
    .replace(DASH_AFTER_DIGIT, '$1 $2 ');
  return splitWords(text).join(' ');
}
