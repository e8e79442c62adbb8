import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readModelFolder } from '../src/engines/decoder/model-folder.js';
import { writeDecoderFolder, writeEncoderDecoderFolder } from '../src/models/decoders/index.js';
import { GPT2_FOLDER } from './support/gpt2-folder.js';
import type { WindowRun } from './support/plain-decoder/recompute-state.js';
import {
  genaiWindowRun,
  optimumWindowRun,
  seq2seqWindowRun,
} from './support/plain-decoder/window-runs.js';
import { logSoftmax } from './support/plain-decoder-loop.js';
import { startRuntime } from './support/runtime.js';

// A step with positions 'all' answers the distribution after each appended token: row j equals
// what a plain onnxruntime-node run of the whole window up to that token gives (no cache), for
// every folder layout the reader supports.
describe("decoder step with positions 'all'", () => {
  let optimum: { merged: string; split: string };
  let seq2seq: string;
  const source = [1, 23, 9, 41, 7, 2];

  beforeAll(async () => {
    optimum = {
      merged: await mkdtemp(join(tmpdir(), 'roundtable-all-merged-')),
      split: await mkdtemp(join(tmpdir(), 'roundtable-all-split-')),
    };
    await writeDecoderFolder(optimum.merged, { seed: 11, form: 'merged' });
    await writeDecoderFolder(optimum.split, { seed: 11, form: 'split' });
    seq2seq = await mkdtemp(join(tmpdir(), 'roundtable-all-seq2seq-'));
    await writeEncoderDecoderFolder(seq2seq, { seed: 5 });
  });
  afterAll(() =>
    Promise.all([optimum.merged, optimum.split, seq2seq].map((d) => rm(d, { recursive: true }))),
  );

  async function check(
    folder: string,
    window: { run: WindowRun; vocab: number; release: () => Promise<void> },
    prompt: readonly number[],
    appended: readonly number[],
    openOptions: { source?: readonly number[] } = {},
  ): Promise<void> {
    const runtime = await startRuntime();
    const decoder = await runtime.spawnDecoder('lm', { folder });
    const opened = await decoder.open(prompt, openOptions);
    const step = await decoder.step(opened.sequence, [appended], { positions: 'all' });
    expect(step.sequence.length).toBe(prompt.length + appended.length);
    expect(step.logprobs!.length).toBe(appended.length * window.vocab);
    const rows: Float64Array[] = [];
    for (let j = 0; j < appended.length; j++) {
      const [logits] = await window.run([[...prompt, ...appended.slice(0, j + 1)]]);
      const expected = logSoftmax(logits!);
      rows.push(expected);
      const got = step.logprobs!.subarray(j * window.vocab, (j + 1) * window.vocab);
      for (let v = 0; v < window.vocab; v++) {
        expect(Math.abs(got[v]! - expected[v]!)).toBeLessThan(1e-3);
      }
    }
    // Rows that did not depend on their position would pass the comparison above trivially.
    expect(Math.abs(rows[0]![5]! - rows[1]![5]!)).toBeGreaterThan(1e-3);
    // Without the option a step still answers the last position only.
    const last = await decoder.step(step.sequence, [[appended[0]!]]);
    expect(last.logprobs!.length).toBe(window.vocab);
    await window.release();
  }

  it('genai layout (tiny-random-gpt2)', async () => {
    expect(readModelFolder(GPT2_FOLDER).layout).toBe('genai');
    await check(GPT2_FOLDER, await genaiWindowRun(GPT2_FOLDER), [0, 0, 0, 52], [7, 300, 12, 45]);
  });

  for (const form of ['merged', 'split'] as const) {
    it(`Optimum ${form} layout`, async () => {
      // Same seed, same weights: the split folder's decoder without past is the reference for both.
      const window = await optimumWindowRun(optimum.split, 64);
      await check(optimum[form], window, [1, 17, 5], [42, 9, 33]);
    });
  }

  it('Optimum encoder–decoder layout', async () => {
    const folder = readModelFolder(seq2seq);
    const window = await seq2seqWindowRun(seq2seq, source, 64);
    await check(seq2seq, window, [folder.decoderStart!, 11], [30, 8, 19], { source });
  });

  it("refuses a positions value other than 'last' or 'all', naming it", async () => {
    const runtime = await startRuntime();
    const decoder = await runtime.spawnDecoder('lm', { folder: optimum.merged });
    const opened = await decoder.open([1, 17, 5]);
    await expect(
      decoder.step(opened.sequence, [[4]], { positions: 'every' as 'all' }),
    ).rejects.toThrow(/positions must be 'last' or 'all', got "every"/);
  });
});
