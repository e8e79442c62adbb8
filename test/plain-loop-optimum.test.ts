import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SPECIAL_TOKENS, writeDecoderFolder } from '../src/models/decoders/index.js';
import {
  beamSearch,
  optimumWindowRun,
  type PlainSequence,
  plainDecode,
  RecomputeState,
} from './support/plain-decoder-loop.js';

// On a generated Optimum folder the plain loop gives the same sequences through the merged file,
// through the split pair, and with no cache at all; the tiny vocabulary makes the end token
// common, so finished hypotheses and early stopping are exercised.
describe('plain decoder loop on a generated Optimum decoder', () => {
  let dir: string;
  const prompt = [1, 9, 4];
  const vocab = 24;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'plain-loop-'));
    // The end-token bias makes beams finish early, and the three early-stopping rules differ here.
    await writeDecoderFolder(dir, { seed: 11, vocab, eosBias: 3 });
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const ids = (sequences: PlainSequence[]) => sequences.map((s) => s.ids);
  const byRule = new Map<boolean | 'never', number[][]>();

  for (const earlyStopping of [true, false, 'never'] as const) {
    it(`beam search (early_stopping ${earlyStopping}): merged, split and recompute agree`, async () => {
      const options = {
        maxLength: 14,
        numBeams: 3,
        numReturnSequences: 3,
        lengthPenalty: 1.5,
        earlyStopping,
      };
      const merged = await plainDecode(dir, prompt, { ...options, form: 'merged' });
      const split = await plainDecode(dir, prompt, { ...options, form: 'split' });
      const window = await optimumWindowRun(dir, vocab);
      const recomputed = await beamSearch(
        new RecomputeState(vocab, window.run, prompt, 3),
        prompt,
        { ...options, eos: SPECIAL_TOKENS.eos },
      );
      await window.release();
      expect(ids(merged)).toEqual(ids(recomputed));
      expect(ids(split)).toEqual(ids(recomputed));
      expect(merged.some((s) => s.ids.at(-1) === SPECIAL_TOKENS.eos)).toBe(true);
      byRule.set(earlyStopping, ids(merged));
      merged.forEach((s, i) => {
        expect(s.logprob).toBeCloseTo(recomputed[i]!.logprob, 4);
        // Hugging Face's length counts the prompt and not the end token.
        const length = s.ids.length - (s.ids.at(-1) === SPECIAL_TOKENS.eos ? 1 : 0);
        expect(s.score).toBeCloseTo(s.logprob / length ** 1.5, 6);
      });
    });
  }

  it('the three early-stopping rules give three different results on this model', () => {
    expect(byRule.size).toBe(3);
    const distinct = new Set([...byRule.values()].map((r) => JSON.stringify(r)));
    expect(distinct.size).toBe(3);
  });

  it('greedy: merged and split agree', async () => {
    const merged = await plainDecode(dir, prompt, { maxLength: 20, form: 'merged' });
    const split = await plainDecode(dir, prompt, { maxLength: 20, form: 'split' });
    expect(ids(merged)).toEqual(ids(split));
    expect(merged[0]!.logprob).toBeCloseTo(split[0]!.logprob, 4);
  });
});
