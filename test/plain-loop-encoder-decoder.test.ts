import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SPECIAL_TOKENS, writeEncoderDecoderFolder } from '../src/models/decoders/index.js';
import {
  beamSearch,
  greedy,
  plainDecode,
  RecomputeState,
  seq2seqWindowRun,
} from './support/plain-decoder-loop.js';

// On a generated encoder–decoder folder the plain loop (encoder once, decoder cache kept) gives
// what running the decoder's whole window at every step gives, greedy and with beams.
describe('plain decoder loop on a generated encoder–decoder', () => {
  let dir: string;
  const source = [5, 17, 9, 20, 2];
  const vocab = 24;
  const start = [SPECIAL_TOKENS.pad];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'plain-seq2seq-'));
    // The end-token bias makes some beams finish before max_length.
    await writeEncoderDecoderFolder(dir, { seed: 5, vocab, eosBias: 5 });
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('greedy equals a full recompute, and starts from decoder_start_token_id', async () => {
    const [cached] = await plainDecode(dir, source, { maxLength: 16 });
    const window = await seq2seqWindowRun(dir, source, vocab);
    const recomputed = await greedy(new RecomputeState(vocab, window.run, start, 1), start, {
      eos: SPECIAL_TOKENS.eos,
      maxLength: 16,
    });
    await window.release();
    expect(cached!.ids).toEqual(recomputed.ids);
    expect(cached!.ids[0]).toBe(SPECIAL_TOKENS.pad);
    expect(cached!.logprob).toBeCloseTo(recomputed.logprob, 4);
  });

  it('beam search, merged or split, equals a full recompute', async () => {
    const options = { maxLength: 12, numBeams: 4, numReturnSequences: 3, lengthPenalty: 1 };
    const cached = await plainDecode(dir, source, { ...options, form: 'split' });
    const merged = await plainDecode(dir, source, { ...options, form: 'merged' });
    expect(merged.map((s) => s.ids)).toEqual(cached.map((s) => s.ids));
    const window = await seq2seqWindowRun(dir, source, vocab);
    const recomputed = await beamSearch(new RecomputeState(vocab, window.run, start, 4), start, {
      ...options,
      eos: SPECIAL_TOKENS.eos,
    });
    await window.release();
    expect(cached.map((s) => s.ids)).toEqual(recomputed.map((s) => s.ids));
    cached.forEach((s, i) => expect(s.logprob).toBeCloseTo(recomputed[i]!.logprob, 4));
    expect(cached).toHaveLength(3);
    expect(cached.some((s) => s.ids.at(-1) === SPECIAL_TOKENS.eos)).toBe(true);
  });
});
