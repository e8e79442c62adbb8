/**
 * String operations with Python's semantics, which sacreBLEU's tokenizers and n-gram extractors
 * rely on. JavaScript differs in two ways that change scores: its `\s` counts U+FEFF as
 * whitespace and misses U+001C–U+001F and U+0085 (Python's `str.split()` and `str.rstrip()` do
 * the opposite), and its strings index UTF-16 code units where Python indexes code points.
 */

/** The code points for which Python's `str.isspace()` is true (all in the BMP). */
const WHITESPACE = new Set<number>([
  0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x85, 0xa0, 0x1680, 0x2000, 0x2001,
  0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f,
  0x205f, 0x3000,
]);

/** Python's `str.split()` with no argument: split on runs of whitespace, drop empty pieces. */
export function splitWords(text: string): string[] {
  const words: string[] = [];
  let start = -1;
  for (let i = 0; i < text.length; i++) {
    if (WHITESPACE.has(text.charCodeAt(i))) {
      if (start >= 0) words.push(text.slice(start, i));
      start = -1;
    } else if (start < 0) {
      start = i;
    }
  }
  if (start >= 0) words.push(text.slice(start));
  return words;
}

/** Python's `str.rstrip()` with no argument. */
export function stripEnd(text: string): string {
  let end = text.length;
  while (end > 0 && WHITESPACE.has(text.charCodeAt(end - 1))) end--;
  return end === text.length ? text : text.slice(0, end);
}

/** Python's `''.join(text.split())`: the text without any whitespace. */
export function removeWhitespace(text: string): string {
  return splitWords(text).join('');
}

/** The text as Python sees it: one element per code point. */
export function codePoints(text: string): string[] {
  return Array.from(text);
}
