import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SpeculativeOptionError, VocabularyMismatchError } from '../src/errors.js';
import { writeDecoderFolder, writeDraftTargetPair } from '../src/models/decoders/index.js';
import { speculate } from '../src/plan-runner/speculative.js';
import { startRuntime } from './support/runtime.js';

// Bad input to a speculative generation is refused before any decoder is asked, with a typed
// error that names the argument and the value.
describe('speculative decoding: refused input', () => {
  let dir: string;
  let pair: { draft: string; target: string };
  let other: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'roundtable-speculative-errors-'));
    pair = await writeDraftTargetPair(join(dir, 'pair'), {
      seed: 2,
      extraWidth: 8,
      form: 'merged',
    });
    other = join(dir, 'other');
    await writeDecoderFolder(other, { seed: 2, vocab: 48, form: 'merged' });
  });
  afterAll(() => rm(dir, { recursive: true }));

  it('names what is wrong', async () => {
    const runtime = await startRuntime();
    const draft = await runtime.spawnDecoder('draft', { folder: pair.draft });
    const target = await runtime.spawnDecoder('target', { folder: pair.target });
    const small = await runtime.spawnDecoder('small', { folder: other });
    const prompt = [1, 5];
    await expect(speculate(small, target, prompt)).rejects.toThrow(VocabularyMismatchError);
    await expect(speculate(small, target, prompt)).rejects.toThrow(
      /draft "small" has a vocabulary of 48 tokens, target "target" one of 64/,
    );
    const cases: [object, RegExp][] = [
      [{ k: 0 }, /k must be an integer ≥ 1, got 0/],
      [{ k: 2.5 }, /k must be an integer ≥ 1, got 2.5/],
      [{ adaptive: { minK: 5, maxK: 2 } }, /adaptive.minK \(5\) is above adaptive.maxK \(2\)/],
      [{ adaptive: { maxK: 0 } }, /adaptive.maxK must be an integer ≥ 1, got 0/],
      [{ adaptive: { by: 'speed' } }, /adaptive.by must be 'cost' or 'acceptance', got "speed"/],
      [{ maxLength: 2 }, /maxLength \(2\) counts the prompt/],
      [
        { sampling: { seed: 1, temperature: 0 } },
        /sampling.temperature must be a finite number > 0, got 0/,
      ],
      [{ sampling: { seed: 0.5 } }, /sampling.seed must be an integer, got 0.5/],
    ];
    for (const [options, message] of cases) {
      const error = await speculate(draft, target, prompt, options).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SpeculativeOptionError);
      expect((error as SpeculativeOptionError).code).toBe('ERR_SPECULATIVE_OPTION');
      expect((error as Error).message).toMatch(message);
    }
    await expect(speculate(draft, target, [])).rejects.toThrow(/the prompt is empty/);
    await expect(speculate(target, target, prompt)).rejects.toThrow(
      /draft and target are one actor/,
    );
    // Nothing was opened by the refused calls.
    expect(draft.openSequences + target.openSequences).toBe(0);
  });
});
