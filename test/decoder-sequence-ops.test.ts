import { describe, expect, it } from 'vitest';
import { GPT2_DIR, loadGpt2, nextLogprobs } from './support/gpt2-plain-loop.js';
import { startRuntime } from './support/runtime.js';

function row(logprobs: Float32Array, r: number, vocab: number): number[] {
  return Array.from(logprobs.subarray(r * vocab, (r + 1) * vocab));
}

function expectClose(got: number[], want: number[]): void {
  expect(got.length).toBe(want.length);
  let worst = 0;
  for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!));
  expect(worst).toBeLessThan(1e-4);
}

describe('a decoder sequence kept in its worker', () => {
  it('steps, forks, reorders and rewinds rows like runs over the whole window', async () => {
    const session = await loadGpt2();
    const runtime = await startRuntime();
    const decoder = await runtime.spawnDecoder('gpt2', { folder: GPT2_DIR });
    const vocab = decoder.vocab;
    const prompt = [0, 0, 0, 52];

    const opened = await decoder.open(prompt);
    expect(opened.sequence).toMatchObject({ rows: 1, length: 4, generation: 1 });
    expectClose(row(opened.logprobs!, 0, vocab), await nextLogprobs(session, prompt));

    // Fork row 0 into three rows, give each its own token.
    const forked = await decoder.reorder(opened.sequence, [0, 0, 0]);
    expect(forked.rows).toBe(3);
    const stepped = await decoder.step(forked, [5, 600, 77]);
    for (const [r, token] of [5, 600, 77].entries()) {
      expectClose(
        row(stepped.logprobs!, r, vocab),
        await nextLogprobs(session, [...prompt, token]),
      );
    }

    // Keep rows 2 and 0, in that order, and go on one token.
    const kept = await decoder.reorder(stepped.sequence, [2, 0]);
    const next = await decoder.step(kept, [1, 2]);
    expectClose(row(next.logprobs!, 0, vocab), await nextLogprobs(session, [...prompt, 77, 1]));
    expectClose(row(next.logprobs!, 1, vocab), await nextLogprobs(session, [...prompt, 5, 2]));

    // Several tokens at once, then rewind them and take another path.
    const many = await decoder.step(next.sequence, [
      [3, 4],
      [8, 9],
    ]);
    expect(many.sequence.length).toBe(8);
    const rewound = await decoder.rewind(many.sequence, 3);
    expect(rewound.length).toBe(5);
    const after = await decoder.step(rewound, [11, 12]);
    expectClose(row(after.logprobs!, 0, vocab), await nextLogprobs(session, [...prompt, 77, 11]));
    expectClose(row(after.logprobs!, 1, vocab), await nextLogprobs(session, [...prompt, 5, 12]));

    // Top-k instead of the whole vocabulary.
    const top = await decoder.step(after.sequence, [20, 21], { topK: 3 });
    expect(top.logprobs).toBeUndefined();
    const full = await nextLogprobs(session, [...prompt, 77, 11, 20]);
    const best = [...full.keys()].sort((a, b) => full[b]! - full[a]!).slice(0, 3);
    expect(Array.from(top.topIds!.subarray(0, 3))).toEqual(best);
    expectClose(
      Array.from(top.topLogprobs!.subarray(0, 3)),
      best.map((t) => full[t]!),
    );

    await decoder.closeSequence(top.sequence);
    expect(decoder.openSequences).toBe(0);
    expect(decoder.bytes).toBe(0);
  });
});
