import { describe, expect, it } from 'vitest';
import { RoundError } from '../src/errors.js';
import type { RoundsPlan } from '../src/plans/plan.js';
import { startRuntime } from './support/runtime.js';

const delayActor = new URL('./fixtures/custom-delay.ts', import.meta.url);

function plan(extra: Partial<RoundsPlan['rounds'][number]>): RoundsPlan {
  return {
    kind: 'rounds',
    name: 'quorum',
    inputs: ['in'],
    outputs: ['mean'],
    rounds: [
      {
        steps: ['fast1', 'fast2', 'slow'].map((actor) => ({
          actor,
          inputs: { in: 'in' },
          outputs: { out: `${actor}.out` },
        })),
        fusion: {
          strategy: 'mean',
          kind: 'values',
          inputs: ['fast1.out', 'fast2.out', 'slow.out'],
          output: 'mean',
        },
        ...extra,
      },
    ],
  };
}

describe('a round with a deadline and a quorum', () => {
  async function setup(slowOptions: { delayMs: number; factor: number; fail?: boolean }) {
    const runtime = await startRuntime();
    await runtime.spawnCustom('fast1', { module: delayActor, options: { delayMs: 0, factor: 1 } });
    await runtime.spawnCustom('fast2', { module: delayActor, options: { delayMs: 0, factor: 3 } });
    await runtime.spawnCustom('slow', { module: delayActor, options: slowOptions });
    return runtime;
  }
  const feeds = {
    in: { dtype: 'float32' as const, dims: [4], data: new Float32Array([1, 2, 3, 4]) },
  };

  it('fuses what arrived when the quorum answered by the deadline, and the trace names who was missing', async () => {
    const runtime = await setup({ delayMs: 5_000, factor: 100 });
    const result = await runtime.run(plan({ deadlineMs: 1_000, quorum: 2 }), feeds);
    // Only fast1 (×1) and fast2 (×3) are fused, their weights renormalised: the mean is ×2.
    expect(Array.from(result.outputs.mean!.data as Float32Array)).toEqual([2, 4, 6, 8]);
    const round = result.trace.rounds[0]!;
    expect(round.missing).toEqual(['slow']);
    expect(round.steps.find((s) => s.actor === 'slow')).toMatchObject({ status: 'missing' });
    expect(
      round.steps.filter((s) => s.weight !== undefined).map((s) => [s.actor, s.weight]),
    ).toEqual([
      ['fast1', 0.5],
      ['fast2', 0.5],
    ]);
    expect(runtime.arena.stats().bytesInUse).toBe(0);
  });

  it('fails with a typed error when fewer than the quorum answered', async () => {
    const runtime = await setup({ delayMs: 5_000, factor: 100 });
    const run = runtime.run(plan({ deadlineMs: 500, quorum: 3 }), feeds);
    await expect(run).rejects.toThrow(RoundError);
    await expect(runtime.run(plan({ deadlineMs: 500, quorum: 3 }), feeds)).rejects.toThrow(
      /2 of 3 steps answered, quorum is 3 \(missing: slow\)/,
    );
  });

  it('a step that fails counts against the quorum and its error is kept', async () => {
    const runtime = await setup({ delayMs: 0, factor: 1, fail: true });
    await expect(runtime.run(plan({}), feeds)).rejects.toThrow(
      /quorum is 3.*slow was told to fail/,
    );
    const tolerant = await runtime.run(plan({ quorum: 2 }), feeds);
    expect(tolerant.trace.rounds[0]!.steps.find((s) => s.actor === 'slow')).toMatchObject({
      status: 'failed',
    });
  });

  it('emits round events', async () => {
    const runtime = await setup({ delayMs: 0, factor: 2 });
    const seen: string[] = [];
    runtime.events.on('round:started', (e) =>
      seen.push(`started ${e.plan} ${e.round} ${e.steps.join(',')}`),
    );
    runtime.events.on('round:settled', (e) =>
      seen.push(`settled ${e.plan} ${e.round} missing=${e.missing.length}`),
    );
    await runtime.run(plan({}), feeds);
    expect(seen).toEqual(['started quorum 0 fast1,fast2,slow', 'settled quorum 0 missing=0']);
  });
});
