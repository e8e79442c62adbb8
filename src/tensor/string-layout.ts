import type { Slab } from './buddy.js';

/**
 * How a string tensor lies in the arena. Strings have no fixed size, so the block holds a small
 * table and then the text:
 *
 *   u32 count                      number of strings (= product of dims)
 *   u32 offsets[count + 1]         byte offsets into the text, offsets[0] = 0,
 *                                  offsets[i+1] - offsets[i] = UTF-8 length of string i
 *   u8  text[offsets[count]]       the strings' UTF-8 bytes, back to back, no terminators
 *
 * All words in native byte order, the block starting 64-byte aligned.
 * byteLength = 4 + 4 × (count + 1) + offsets[count].
 *
 * The table lives in shared memory that any thread holding the descriptor can write, so a reader
 * treats it as untrusted: every offset is checked against the block before a byte is decoded.
 */

/** Bytes before the text of a string tensor of `count` strings. */
export function stringHeaderBytes(count: number): number {
  return 4 * (count + 2);
}

/**
 * Why the string table at `offset` does not describe a tensor of `count` strings in `byteLength`
 * bytes, or undefined when it does. Only the count and the total are checked here (O(1)); the
 * offsets in between are checked as they are decoded.
 */
export function stringTableProblem(
  slab: Slab,
  offset: number,
  byteLength: number,
  count: number,
): string | undefined {
  if (byteLength < stringHeaderBytes(0)) {
    return `byteLength ${byteLength} is too small for a string tensor (at least 8 for its table)`;
  }
  const base = offset >>> 2;
  const stored = slab.words[base]!;
  if (stored !== count) {
    return `string table holds ${stored} strings, dims give ${count}`;
  }
  const header = stringHeaderBytes(count);
  if (header > byteLength) {
    return `string table of ${count} strings needs ${header} bytes, byteLength is ${byteLength}`;
  }
  const textBytes = slab.words[base + 1 + count]!;
  if (header + textBytes !== byteLength) {
    return `string table gives ${header + textBytes} bytes, byteLength is ${byteLength}`;
  }
  return undefined;
}

/** Bytes a string tensor of these strings takes. */
export function stringTensorBytes(strings: readonly string[]): number {
  let text = 0;
  for (const s of strings) text += Buffer.byteLength(s, 'utf8');
  return stringHeaderBytes(strings.length) + text;
}

/** Writes `strings` in the layout above at `offset`, which must have been sized by stringTensorBytes. */
export function encodeStrings(slab: Slab, offset: number, strings: readonly string[]): void {
  const words = slab.words;
  const bytes = slab.bytes;
  const base = offset >>> 2;
  const count = strings.length;
  const textStart = offset + stringHeaderBytes(count);
  words[base] = count;
  words[base + 1] = 0;
  let at = 0;
  for (let i = 0; i < count; i++) {
    at += bytes.write(strings[i]!, textStart + at, 'utf8');
    words[base + 2 + i] = at;
  }
}

/**
 * Decodes the `count` strings of a `byteLength`-byte block at `offset` into `target` (from index
 * 0). Bounds come from the checked descriptor, not from the table, so a table rewritten after the
 * check still cannot lead outside the block.
 * @returns an error message if an offset points outside the text, else undefined.
 */
export function decodeStrings(
  slab: Slab,
  offset: number,
  byteLength: number,
  count: number,
  target: string[],
): string | undefined {
  const words = slab.words;
  const bytes = slab.bytes;
  const base = offset >>> 2;
  const textStart = offset + stringHeaderBytes(count);
  const textBytes = byteLength - stringHeaderBytes(count);
  let start = words[base + 1]!;
  if (start !== 0) return `string table: offsets[0] is ${start}, expected 0`;
  for (let i = 0; i < count; i++) {
    const end = words[base + 2 + i]!;
    if (end < start || end > textBytes) {
      return `string table: offsets[${i + 1}] is ${end}, expected within [${start}, ${textBytes}]`;
    }
    target[i] = bytes.toString('utf8', textStart + start, textStart + end);
    start = end;
  }
  return undefined;
}
