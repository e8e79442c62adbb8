import { describe, expect, it } from 'vitest';
import { ActorStoppedError } from '../src/errors.js';
import { startIndependentServer } from './support/independent-oip-server.js';
import { startRuntime } from './support/runtime.js';
import { slowPlan, spawnSlowStep } from './support/slow-step.js';

const x = { dtype: 'float32' as const, dims: [1, 3], data: new Float32Array([1, 2, 3]) };

describe("a remote model, once the runtime's close() began", () => {
  it('refuses a direct call with ActorStoppedError while an admitted run finishes', async () => {
    const server = await startIndependentServer();
    const runtime = await startRuntime();
    await spawnSlowStep(runtime);
    const remote = await runtime.addRemoteModel('doubler', { url: server.url, model: 'doubler' });
    const admitted = runtime.run(slowPlan, {
      in: { dtype: 'float32', dims: [1], data: new Float32Array([1]) },
    });
    const closed = runtime.close(10_000);

    await expect(remote.run({ x })).rejects.toBeInstanceOf(ActorStoppedError);
    await expect(remote.run({ x })).rejects.toThrow(/run\(\) refused, the runtime is closing/);
    expect(remote.health()).toMatchObject({ inFlight: 0 });

    expect((await admitted).outputs.out!.data).toEqual(new Float32Array([1]));
    await closed;
    expect(runtime.arena.stats().bytesInUse).toBe(0);
  });
});
