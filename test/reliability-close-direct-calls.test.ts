import { describe, expect, it } from 'vitest';
import { ActorStoppedError } from '../src/errors.js';
import { MODEL_SIZES, sizedModel } from '../src/models/sized-model.js';
import { ensemble } from '../src/plans/builders.js';
import type { RoundsPlan } from '../src/plans/plan.js';
import { fusionOf } from '../src/runtime/fusion-access.js';
import { startRuntime } from './support/runtime.js';

const delay = new URL('./fixtures/custom-delay.ts', import.meta.url);
const greeter = new URL('./fixtures/custom-greeter.ts', import.meta.url);

/** Two rounds: the second one calls an actor after close() began, as an admitted run may. */
const plan: RoundsPlan = {
  kind: 'rounds',
  name: 'slow-then-fast',
  inputs: ['in'],
  outputs: ['twice'],
  rounds: [
    { steps: [{ actor: 'slow', inputs: { in: 'in' }, outputs: { out: 'once' } }] },
    { steps: [{ actor: 'fast', inputs: { in: 'once' }, outputs: { out: 'twice' } }] },
  ],
};

describe('close() refuses direct actor calls at once, and lets admitted plan runs finish', () => {
  it('answers run, runShared, call and fuse with ActorStoppedError while a plan run finishes', async () => {
    const runtime = await startRuntime();
    const width = MODEL_SIZES.tiny.width;
    const model = await runtime.spawnModel('mlp', {
      model: sizedModel({ ...MODEL_SIZES.tiny, seed: 3 }).bytes,
    });
    const custom = await runtime.spawnCustom('greeter', {
      module: greeter,
      options: { greeting: 'hello' },
    });
    await runtime.spawnCustom('slow', { module: delay, options: { delayMs: 300, factor: 2 } });
    const fast = await runtime.spawnCustom('fast', {
      module: delay,
      options: { delayMs: 0, factor: 3 },
    });
    const arena = runtime.arena;
    const feed = arena.writeTensor('float32', [1, width], new Float32Array(width));
    const values = [1, 2].map((k) =>
      arena.writeTensor('float32', [4], new Float32Array(4).fill(k)),
    );

    const admitted = runtime.run(plan, {
      in: { dtype: 'float32', dims: [2], data: new Float32Array([1, 2]) },
    });
    const closed = runtime.close(10_000);

    const direct = [
      model.run({ input: { dtype: 'float32', dims: [1, width], data: new Float32Array(width) } }),
      model.runShared({ input: feed }),
      custom.call('greet' as never, ['x'] as never),
      fast.runShared({ in: values[0]! }),
      fusionOf(runtime).fuse({
        strategy: 'mean',
        kind: 'values',
        inputs: values,
        weights: [0.5, 0.5],
        temperatures: [1, 1],
      }),
    ];
    for (const call of direct) await expect(call).rejects.toBeInstanceOf(ActorStoppedError);

    const result = await admitted;
    expect(Array.from(result.outputs.twice!.data as Float32Array)).toEqual([6, 12]);
    await closed;
    for (const d of [feed, ...values]) arena.release(d);
    expect(arena.stats().bytesInUse).toBe(0);
  });
  it('lets an admitted run hand its fusion to the fusion actor after close() began', async () => {
    // Every fusion goes to the fusion actor (no fusion on the calling thread).
    const runtime = await startRuntime({ inlineFusionMaxElements: 0 });
    for (const [name, factor] of [
      ['a', 2],
      ['b', 4],
    ] as const)
      await runtime.spawnCustom(name, { module: delay, options: { delayMs: 300, factor } });
    const plan = ensemble({
      name: 'slow-pair',
      models: ['a', 'b'],
      input: 'in',
      output: 'out',
      fusion: { strategy: 'mean', kind: 'values' },
    });
    const admitted = runtime.run(plan, {
      in: { dtype: 'float32', dims: [2], data: new Float32Array([1, 2]) },
    });
    const closed = runtime.close(10_000);
    const result = await admitted;
    expect(Array.from(result.outputs.fused!.data as Float32Array)).toEqual([3, 6]);
    await closed;
  });
});
