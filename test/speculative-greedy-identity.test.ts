import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDecoderFolder, writeDraftTargetPair } from '../src/models/decoders/index.js';
import { speculate } from '../src/plan-runner/speculative.js';
import { greedyAcceptance } from '../src/plan-runner/speculative-acceptance.js';
import { GPT2_FOLDER } from './support/gpt2-folder.js';
import { startRuntime } from './support/runtime.js';

// Greedy speculative decoding returns the target's own greedy output, token for token, whatever
// the draft proposes: a draft that mostly agrees, the target itself, or one that never does.
describe('speculative decoding, greedy', () => {
  let dir: string;
  let pair: { draft: string; target: string };
  let ending: { draft: string; target: string };
  let stranger: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'roundtable-speculative-'));
    pair = await writeDraftTargetPair(join(dir, 'pair'), {
      seed: 3,
      agreement: 0.8,
      extraWidth: 128,
      form: 'merged',
    });
    // An end token likely enough that generations stop before maxLength.
    ending = await writeDraftTargetPair(join(dir, 'ending'), {
      seed: 4,
      agreement: 0.7,
      extraWidth: 64,
      eosBias: 4,
      form: 'split',
    });
    // A draft of GPT-2's vocabulary and nothing else in common with it.
    stranger = join(dir, 'stranger');
    await writeDecoderFolder(stranger, { seed: 9, vocab: 1000, maxPositions: 512, form: 'merged' });
  });
  afterAll(() => rm(dir, { recursive: true }));

  it('generated pair: the target alone and speculation give the same tokens', async () => {
    const runtime = await startRuntime();
    const draft = await runtime.spawnDecoder('draft', { folder: pair.draft });
    const target = await runtime.spawnDecoder('target', { folder: pair.target });
    const prompts = [
      [1, 17, 5],
      [1, 40, 41, 42, 9],
      [1, 60],
    ];
    let accepted = 0;
    for (const prompt of prompts) {
      for (const k of [1, 3, 6]) {
        const [alone] = await runtime.generate('target', prompt, { maxLength: 40, eos: [] });
        const got = await speculate(draft, target, prompt, { maxLength: 40, eos: [], k });
        expect(got.ids).toEqual(alone!.ids);
        expect(got.logprob).toBeCloseTo(alone!.logprob, 3);
        expect(got.trace.accepted).toBeLessThanOrEqual(got.trace.proposed);
        // Every round yields its accepted proposals and one token of the target's.
        expect(got.ids.length - prompt.length).toBeLessThanOrEqual(
          got.trace.accepted + got.trace.rounds,
        );
        expect(got.trace.ks).toHaveLength(got.trace.rounds);
        // One verifying call per round, after the open, and at most one message to the draft.
        expect(got.trace.targetSteps).toBe(got.trace.rounds + 1);
        expect(got.trace.draftCalls).toBeGreaterThanOrEqual(1);
        expect(got.trace.draftCalls).toBeLessThanOrEqual(got.trace.rounds + 1);
        // The time waited on each decoder is part of the whole.
        expect(got.trace.ms.draft + got.trace.ms.target).toBeLessThanOrEqual(got.trace.ms.total);
        expect(got.trace.tokensPerTargetCall).toBeCloseTo(
          (got.ids.length - prompt.length) / got.trace.targetSteps,
          9,
        );
        accepted += got.trace.accepted;
      }
      // k from acceptance alone, and the whole-distribution path (an acceptance rule given).
      const [alone] = await runtime.generate('target', prompt, { maxLength: 40, eos: [] });
      const byAcceptance = await speculate(draft, target, prompt, {
        maxLength: 40,
        eos: [],
        adaptive: { by: 'acceptance' },
      });
      expect(byAcceptance.ids).toEqual(alone!.ids);
      const whole = await speculate(
        draft,
        target,
        prompt,
        { maxLength: 40, eos: [] },
        greedyAcceptance,
      );
      expect(whole.ids).toEqual(alone!.ids);
      expect(whole.logprob).toBeCloseTo(alone!.logprob, 3);
    }
    // Some proposals were kept, so the identity was not reached by rejecting every one.
    expect(accepted).toBeGreaterThan(0);
    expect(draft.openSequences).toBe(0);
    expect(target.openSequences).toBe(0);
  });

  it('generated pair with end tokens and the split layout: stops where the target stops', async () => {
    const runtime = await startRuntime();
    const draft = await runtime.spawnDecoder('draft', { folder: ending.draft });
    const target = await runtime.spawnDecoder('target', { folder: ending.target });
    let ended = 0;
    for (const prompt of [
      [1, 9],
      [1, 33, 12],
      [1, 50, 51],
      [1, 6, 7, 8],
    ]) {
      const [alone] = await runtime.generate('target', prompt, { maxLength: 30 });
      const got = await speculate(draft, target, prompt, { maxLength: 30 });
      expect(got.ids).toEqual(alone!.ids);
      if (got.ids.length < 30) ended++;
    }
    expect(ended).toBeGreaterThan(0);
  });

  it('tiny-random-gpt2 as its own draft: identical output, every proposal accepted', async () => {
    const runtime = await startRuntime();
    const draft = await runtime.spawnDecoder('draft', { folder: GPT2_FOLDER });
    const target = await runtime.spawnDecoder('target', { folder: GPT2_FOLDER });
    for (const prompt of [
      [0, 0, 0, 52],
      [7, 300, 12],
    ]) {
      const [alone] = await runtime.generate('target', prompt, { maxLength: 30 });
      const got = await speculate(draft, target, prompt, { maxLength: 30 });
      expect(got.ids).toEqual(alone!.ids);
      expect(got.logprob).toBeCloseTo(alone!.logprob, 3);
      expect(got.trace.acceptanceRate).toBeGreaterThan(0.9);
      expect(got.trace.tokensPerTargetCall).toBeGreaterThan(1);
    }
  });

  it('tiny-random-gpt2 with a draft that shares only its vocabulary: still the target’s output', async () => {
    const runtime = await startRuntime();
    const draft = await runtime.spawnDecoder('draft', { folder: stranger });
    const target = await runtime.spawnDecoder('target', { folder: GPT2_FOLDER });
    const prompt = [7, 300, 12];
    const [alone] = await runtime.generate('target', prompt, { maxLength: 24 });
    const got = await speculate(draft, target, prompt, { maxLength: 24 });
    expect(got.ids).toEqual(alone!.ids);
    // Rejections shrink k to its floor.
    expect(got.trace.ks.at(-1)).toBeLessThan(got.trace.ks[0]!);
  });
});
