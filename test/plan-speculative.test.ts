import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlanError } from '../src/errors.js';
import { writeDraftTargetPair } from '../src/models/decoders/index.js';
import { speculative } from '../src/plans/builders.js';
import { parsePlan } from '../src/plans/schema.js';
import { startRuntime } from './support/runtime.js';

// The plan shape `speculative`: built in code or read from JSON alike, run by runtime.speculate
// on two spawned decoders; its settings apply unless the call overrides them.
describe('speculative plans', () => {
  let dir: string;
  let pair: { draft: string; target: string };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'roundtable-speculative-plan-'));
    pair = await writeDraftTargetPair(dir, { seed: 12, extraWidth: 32, form: 'merged' });
  });
  afterAll(() => rm(dir, { recursive: true }));

  it('JSON and builder give one plan, which runs to the target’s greedy output', async () => {
    const built = speculative({
      name: 'fast',
      draft: 'small',
      target: 'large',
      k: 3,
      adaptive: { minK: 2, maxK: 5 },
      maxLength: 24,
    });
    const read = parsePlan(JSON.parse(JSON.stringify(built)));
    expect(read).toEqual(built);

    const runtime = await startRuntime();
    await runtime.spawnDecoder('small', { folder: pair.draft });
    await runtime.spawnDecoder('large', { folder: pair.target });
    const prompt = [1, 30, 31];
    const [alone] = await runtime.generate('large', prompt, { maxLength: 24, eos: [] });
    const got = await runtime.speculate(read as typeof built, prompt, { eos: [] });
    expect(got.ids).toEqual(alone!.ids);
    expect(got.ids).toHaveLength(24);
    expect(got.trace.ks[0]).toBe(3);
    // Rounds near the end propose fewer, as few as the room left: look at the first half.
    const firstHalf = (ks: readonly number[]) => ks.slice(0, Math.floor(ks.length / 2));
    for (const k of firstHalf(got.trace.ks)) {
      expect(k).toBeGreaterThanOrEqual(2);
      expect(k).toBeLessThanOrEqual(5);
    }
    // A call's options override the plan's.
    const fixed = await runtime.speculate(built, prompt, { k: 2, adaptive: false, maxLength: 12 });
    expect(fixed.ids).toHaveLength(12);
    expect(new Set(firstHalf(fixed.trace.ks))).toEqual(new Set([2]));
  });

  it('refuses a plan whose fields are wrong, or whose decoders are missing, naming them', async () => {
    expect(() =>
      parsePlan({ kind: 'speculative', name: 'p', draft: 'a', target: 'b', k: 0 }),
    ).toThrow(/k: /);
    expect(() =>
      parsePlan({
        kind: 'speculative',
        name: 'p',
        draft: 'a',
        target: 'b',
        adaptive: { minK: 4, maxK: 2 },
      }),
    ).toThrow(/adaptive: minK \(4\) is above maxK \(2\)/);
    expect(() => parsePlan({ kind: 'speculative', name: 'p', draft: 'a', target: 'a' })).toThrow(
      PlanError,
    );
    const runtime = await startRuntime();
    await runtime.spawnDecoder('small', { folder: pair.draft });
    await expect(
      runtime.speculate(speculative({ name: 'p', draft: 'small', target: 'gone' }), [1, 2]),
    ).rejects.toThrow(/plan "p": no decoder named "gone" \(its target\)/);
  });
});
