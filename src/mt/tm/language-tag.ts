import { describe } from '../../actor/arguments.js';
import { ArgumentError } from '../../errors.js';

/**
 * Language tags as the memory stores and compares them.
 *
 * Stored tags are BCP 47 tags in canonical case (RFC 5646 §2.1.1: language lower case, script
 * title case, region upper case, everything after a singleton lower case), with `_` read as `-`,
 * so `en_us`, `EN-us` and `en-US` are the same tag. Because the casing of a subtag depends only on
 * its own shape and position, two tags are equal case-insensitively exactly when their canonical
 * forms are equal, and the canonical form of a prefix is the prefix of the canonical form.
 *
 * A lookup names a language *range* and uses RFC 4647 basic filtering: the range matches a tag
 * equal to it or starting with it followed by `-`. So `en` matches `en`, `en-US` and `en-GB`;
 * `en-US` matches `en-US` and `en-US-x-legal` but not `en` or `en-GB`; `*` matches every tag.
 */

const SUBTAG = /^[A-Za-z0-9]{1,8}$/;

/** A file names a handful of languages a million times over: remember the answers. */
const canonicalCache = new Map<string, string>();

/**
 * The canonical form of a BCP 47 tag; an ArgumentError naming `argument` when it is not shaped
 * like one.
 */
export function canonicalTag(tag: string, argument = 'tag'): string {
  if (typeof tag !== 'string')
    throw new ArgumentError(
      `${argument} must be a language tag (a string), got ${describe(tag)}`,
      argument,
    );
  const cached = canonicalCache.get(tag);
  if (cached !== undefined) return cached;
  const canonical = canonicalize(tag, argument);
  if (canonicalCache.size < 1024) canonicalCache.set(tag, canonical);
  return canonical;
}

function canonicalize(tag: string, argument: string): string {
  const trimmed = tag.trim().replaceAll('_', '-');
  const parts = trimmed.split('-');
  const first = parts[0] ?? '';
  const valid =
    /^[A-Za-z]{1,8}$/.test(first) && parts.every((part) => SUBTAG.test(part)) && trimmed !== '';
  if (!valid) {
    throw new ArgumentError(
      `${argument}: language tag ${JSON.stringify(tag)} is not a BCP 47 tag (e.g. "en-US")`,
      argument,
    );
  }
  let afterSingleton = false;
  return parts
    .map((part, index) => {
      const lower = part.toLowerCase();
      if (index === 0 || afterSingleton) return lower;
      if (part.length === 1) {
        afterSingleton = true;
        return lower;
      }
      if (part.length === 2 && /^[a-z]{2}$/i.test(part)) return part.toUpperCase();
      if (part.length === 4 && /^[a-z]{4}$/i.test(part)) {
        return lower[0]!.toUpperCase() + lower.slice(1);
      }
      return lower;
    })
    .join('-');
}

/** A canonical language range: `*` or a canonical tag. */
export function canonicalRange(range: string, argument = 'range'): string {
  if (typeof range !== 'string')
    throw new ArgumentError(
      `${argument} must be a language range (a string), got ${describe(range)}`,
      argument,
    );
  return range.trim() === '*' ? '*' : canonicalTag(range, argument);
}

/** True when the range (canonical) matches the tag (canonical) by RFC 4647 basic filtering. */
export function rangeMatches(range: string, tag: string): boolean {
  return range === '*' || tag === range || tag.startsWith(`${range}-`);
}

/**
 * The bounds that select, through an index on a canonical tag column, the tags a range matches:
 * `col = exact OR (col >= low AND col < high)`. `-` sorts just before `.`, so every tag that
 * starts with `range-` falls in `[range-, range.)`. Null for `*`.
 */
export function rangeBounds(
  range: string,
): { readonly exact: string; readonly low: string; readonly high: string } | null {
  if (range === '*') return null;
  return { exact: range, low: `${range}-`, high: `${range}.` };
}
