import { codePoints, removeWhitespace } from './python-text.js';

/** How often each n-gram occurs in a segment, as Python's `Counter`. Word n-grams are keyed by
 * their words joined with one space, which cannot be ambiguous since a word holds no space. */
export type NgramCounts = Map<string, number>;

function countInto(counts: NgramCounts, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

/** The word n-grams of one order (sacreBLEU's `extract_word_ngrams`). */
export function wordNgrams(words: readonly string[], order: number): NgramCounts {
  const counts: NgramCounts = new Map();
  for (let i = 0; i + order <= words.length; i++) {
    countInto(counts, words.slice(i, i + order).join(' '));
  }
  return counts;
}

/** The word n-grams of orders 1 to `maxOrder`, element `n - 1` holding order n. */
export function wordNgramsUpTo(words: readonly string[], maxOrder: number): NgramCounts[] {
  const byOrder: NgramCounts[] = [];
  for (let order = 1; order <= maxOrder; order++) byOrder.push(wordNgrams(words, order));
  return byOrder;
}

/**
 * The character n-grams of orders 1 to `maxOrder` (sacreBLEU's `extract_all_char_ngrams`), over
 * code points. Unless `includeWhitespace`, whitespace is removed first, so n-grams run across
 * word boundaries.
 */
export function charNgramsUpTo(
  line: string,
  maxOrder: number,
  includeWhitespace: boolean,
): NgramCounts[] {
  const chars = codePoints(includeWhitespace ? line : removeWhitespace(line));
  const byOrder: NgramCounts[] = Array.from({ length: maxOrder }, () => new Map());
  for (let start = 0; start < chars.length; start++) {
    // Grow one n-gram per order from each start: no slicing and joining per n-gram.
    let ngram = '';
    const end = Math.min(chars.length, start + maxOrder);
    for (let i = start; i < end; i++) {
      ngram += chars[i]!;
      countInto(byOrder[i - start]!, ngram);
    }
  }
  return byOrder;
}

/** The number of n-grams counted, repeats included. */
export function totalCount(counts: NgramCounts): number {
  let total = 0;
  for (const count of counts.values()) total += count;
  return total;
}
