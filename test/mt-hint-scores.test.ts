import { describe, expect, it } from 'vitest';
import { hintLogits } from '../src/mt/hint/hint-scores.js';
import type { PromptLayout } from '../src/mt/translate/prompt.js';

const layout: PromptLayout = { pad: 0, eos: 1, bos: 2, sep: 3, hint: 4 };
const VOCAB = 30;
const bonus = { next: 1, unused: 0.5 };

/** One window row: left padding, then the ids. */
function window(ids: number[], context = 16): BigInt64Array {
  const row = new BigInt64Array(context);
  ids.forEach((id, i) => {
    row[context - ids.length + i] = BigInt(id);
  });
  return row;
}

function scores(ids: number[]): Float32Array {
  const out = new Float32Array(VOCAB);
  hintLogits(layout, window(ids), 16, VOCAB, bonus, out);
  return out;
}

describe('hint model: next-token logits from the hint segment of the prompt', () => {
  it('is all zeros without a hint, so log-linear fusion ignores it', () => {
    expect(Array.from(scores([2, 10, 11, 3, 20]))).toEqual(new Array(VOCAB).fill(0));
  });

  it('suggests the hint token at the same position, and the unused ones a little', () => {
    // hint 20 21 22; nothing written yet → 20 next, 21 and 22 unused.
    const out = scores([4, 20, 21, 22, 2, 10, 11, 12, 3]);
    expect(out[20]).toBe(1);
    expect(out[21]).toBe(0.5);
    expect(out[22]).toBe(0.5);
    expect(out[10]).toBe(0);
  });

  it('follows the hint from the last token written that it holds, over an inserted word', () => {
    // hint 20 21 22 23; written 20 25 21 (25 is not in the hint) → after 21 comes 22.
    const out = scores([4, 20, 21, 22, 23, 2, 10, 11, 12, 13, 3, 20, 25, 21]);
    expect(out[22]).toBe(1);
    expect(out[23]).toBe(0.5);
    expect(out[20]).toBe(0);
    expect(out[21]).toBe(0);
  });

  it('suggests the end once the hint is used up', () => {
    const out = scores([4, 20, 21, 2, 10, 11, 3, 20, 21]);
    expect(out[layout.eos]).toBe(1);
  });

  it('scores several rows independently', () => {
    const rows = new BigInt64Array([...window([4, 20, 2, 10, 3]), ...window([2, 10, 3])]);
    const out = new Float32Array(2 * VOCAB);
    hintLogits(layout, rows, 16, VOCAB, bonus, out);
    expect(out[20]).toBe(1);
    expect(Array.from(out.subarray(VOCAB))).toEqual(new Array(VOCAB).fill(0));
  });
});
