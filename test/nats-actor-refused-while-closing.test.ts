import { describe, expect, it } from 'vitest';
import { ActorStoppedError } from '../src/errors.js';
import { skipWithoutNatsServer } from './support/nats-server.js';
import { natsServingFor } from './support/nats-serving.js';
import { startRuntime } from './support/runtime.js';
import { slowPlan, spawnSlowStep } from './support/slow-step.js';

const features = { dtype: 'float32' as const, dims: [1, 4], data: new Float32Array(4) };

describe.skipIf(skipWithoutNatsServer())("a NATS actor, once the runtime's close() began", () => {
  const serving = natsServingFor({ seed: 2, holdMs: 5_000 });

  it('refuses direct calls with ActorStoppedError while an admitted run finishes', async () => {
    const runtime = await startRuntime();
    await spawnSlowStep(runtime);
    const actor = await runtime.addNatsActor('m', { connection: serving.nc });
    // Served while the runtime is open: the refusals below are the close's, not a broken actor's.
    expect((await actor.run({ features })).logits!.dims).toEqual([1, 2]);
    const requestsBefore = (await serving.server.stats())[0]!.requests;
    const admitted = runtime.run(slowPlan, {
      in: { dtype: 'float32', dims: [1], data: new Float32Array([1]) },
    });
    const closed = runtime.close(10_000);

    const run = actor.run({ features });
    await expect(run).rejects.toBeInstanceOf(ActorStoppedError);
    await expect(run).rejects.toThrow(/actor "m": run\(\) refused, the runtime is closing/);
    const shared = runtime.arena.writeTensor('float32', [1, 4], new Float32Array(4));
    try {
      const runShared = actor.runShared({ features: shared });
      await expect(runShared).rejects.toBeInstanceOf(ActorStoppedError);
      await expect(runShared).rejects.toThrow(/runShared\(\) refused, the runtime is closing/);
    } finally {
      runtime.arena.release(shared);
    }
    expect(actor.health()).toMatchObject({ inFlight: 0 });
    // Nothing reached the server.
    expect((await serving.server.stats())[0]!.requests).toBe(requestsBefore);

    expect((await admitted).outputs.out!.data).toEqual(new Float32Array([1]));
    await closed;
    expect(runtime.arena.stats().bytesInUse).toBe(0);
  });
});
