import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readModelFolder } from '../src/engines/decoder/model-folder.js';
import { SPECIAL_TOKENS, writeDecoderFolder } from '../src/models/decoders/index.js';
import { OptimumState } from './support/plain-decoder/optimum-state.js';
import { plainBeamOn, plainGreedyOn } from './support/plain-search.js';
import { startRuntime } from './support/runtime.js';

// Generated Hugging Face Optimum decoder folders, merged (use_cache_branch) and split: the
// decoder actor's greedy and beam outputs equal a plain onnxruntime-node loop's.
describe('Optimum decoder folders', () => {
  const dirs: Record<'merged' | 'split', string> = { merged: '', split: '' };
  const prompt = [1, 17, 5, 42];
  const eos = SPECIAL_TOKENS.eos;

  beforeAll(async () => {
    for (const form of ['merged', 'split'] as const) {
      dirs[form] = await mkdtemp(join(tmpdir(), `roundtable-optimum-${form}-`));
      await writeDecoderFolder(dirs[form], { seed: 11, form });
    }
  });
  afterAll(() => Promise.all(Object.values(dirs).map((dir) => rm(dir, { recursive: true }))));

  for (const form of ['merged', 'split'] as const) {
    it(`${form}: greedy and 3 beams give the plain loop's sequences and log-probabilities`, async () => {
      expect(readModelFolder(dirs[form]).layout).toBe(`optimum-${form}`);
      const runtime = await startRuntime();
      await runtime.spawnDecoder('lm', { folder: dirs[form] });

      const plainOne = await plainGreedyOn(
        await OptimumState.open(dirs[form], prompt, 1),
        prompt,
        16,
        eos,
      );
      const [greedy] = await runtime.generate('lm', prompt, { maxLength: 16 });
      expect(greedy!.ids).toEqual(plainOne.ids);
      expect(greedy!.logprob).toBeCloseTo(plainOne.logprob, 3);

      const state = await OptimumState.open(dirs[form], prompt, 3);
      const plainThree = await plainBeamOn(state, prompt, 12, 3, eos);
      const beams = await runtime.generate('lm', prompt, {
        maxLength: 12,
        numBeams: 3,
        numReturnSequences: 3,
      });
      expect(beams.map((s) => s.ids)).toEqual(plainThree.map((s) => s.ids));
      beams.forEach((s, i) => expect(s.logprob).toBeCloseTo(plainThree[i]!.logprob, 3));
    });
  }
});
