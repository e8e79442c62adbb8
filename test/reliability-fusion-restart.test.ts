import { describe, expect, it } from 'vitest';
import { killWorker } from '../src/engines/test-hooks.js';
import { fusionOf } from '../src/runtime/fusion-access.js';
import { startRuntime } from './support/runtime.js';

describe('the fusion actor', () => {
  it('comes back after its worker dies; a fusion asked for meanwhile waits for the new worker', async () => {
    const runtime = await startRuntime();
    const arena = runtime.arena;
    const inputs = [
      arena.writeTensor('float32', [2, 3], new Float32Array([1, 2, 3, 3, 2, 1])),
      arena.writeTensor('float32', [2, 3], new Float32Array([1, 2, 3, 1, 2, 3])),
    ];
    const request = {
      strategy: 'mean' as const,
      kind: 'values' as const,
      inputs,
      weights: [0.5, 0.5],
      temperatures: [1, 1],
    };
    const exited = new Promise((resolve) => runtime.events.once('actor:exited', resolve));
    const restarted = new Promise((resolve) => runtime.events.once('actor:restarted', resolve));
    await killWorker(fusionOf(runtime));
    expect(await exited).toMatchObject({ actor: 'fusion', expected: false });
    expect(fusionOf(runtime).state).toBe('restarting');
    expect(runtime.health().ready).toBe(false);
    const fused = await fusionOf(runtime).fuse(request);
    await restarted;
    expect(Array.from(arena.view(fused.output) as Float32Array)).toEqual([1, 2, 3, 2, 2, 2]);
    expect(runtime.health().ready).toBe(true);
    for (const d of [...inputs, fused.output]) arena.release(d);
    expect(arena.stats().bytesInUse).toBe(0);
  });
});
