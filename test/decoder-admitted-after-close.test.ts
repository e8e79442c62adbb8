import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActorStoppedError } from '../src/errors.js';
import { writeDraftTargetPair } from '../src/models/decoders/index.js';
import { speculative } from '../src/plans/builders.js';
import { startRuntime } from './support/runtime.js';

// generate and speculate, started before close(), take their later steps after it began: those
// steps are admitted (the runs call their decoders through admitted views), a direct call is not.
describe("decoders of a run admitted before the runtime's close()", () => {
  let dir: string;
  let pair: { draft: string; target: string };
  const prompt = [1, 30, 31];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'roundtable-admitted-'));
    pair = await writeDraftTargetPair(dir, { seed: 12, extraWidth: 32, form: 'merged' });
  });
  afterAll(() => rm(dir, { recursive: true }));

  it('generate keeps stepping its sequence and gives what it gives while open', async () => {
    const runtime = await startRuntime();
    const decoder = await runtime.spawnDecoder('lm', { folder: pair.target });
    const [open] = await runtime.generate('lm', prompt, { maxLength: 16, eos: [] });

    const admitted = runtime.generate('lm', prompt, { maxLength: 16, eos: [] });
    const closed = runtime.close(10_000);
    await expect(decoder.open([4, 5])).rejects.toBeInstanceOf(ActorStoppedError);
    const [got] = await admitted;
    expect(got!.ids).toEqual(open!.ids);
    expect(got!.ids).toHaveLength(16);
    await closed;
  });

  it('speculate keeps calling its draft and target and gives what it gives while open', async () => {
    const runtime = await startRuntime();
    await runtime.spawnDecoder('small', { folder: pair.draft });
    const target = await runtime.spawnDecoder('large', { folder: pair.target });
    const plan = speculative({
      name: 'fast',
      draft: 'small',
      target: 'large',
      k: 3,
      maxLength: 16,
    });
    const open = await runtime.speculate(plan, prompt, { eos: [] });

    const admitted = runtime.speculate(plan, prompt, { eos: [] });
    const closed = runtime.close(10_000);
    await expect(target.open([4, 5])).rejects.toBeInstanceOf(ActorStoppedError);
    const got = await admitted;
    expect(got.ids).toEqual(open.ids);
    expect(got.ids).toHaveLength(16);
    await closed;
  });
});
