import { describe, expect, it } from 'vitest';
import { AbortError } from '../src/errors.js';
import { skipWithoutNatsServer } from './support/nats-server.js';
import { natsServingFor } from './support/nats-serving.js';
import { startRuntime } from './support/runtime.js';

describe.skipIf(skipWithoutNatsServer())('a remote call aborted by its caller', () => {
  const serving = natsServingFor({ seed: 2, holdMs: 5_000 });

  it('is answered once with AbortError, and the server abandons it', async () => {
    const runtime = await startRuntime();
    const actor = await runtime.addNatsActor('m', { connection: serving.nc });
    const features = { dtype: 'float32' as const, dims: [1, 4], data: new Float32Array(4) };
    const controller = new AbortController();
    const call = actor.run({ features }, { signal: controller.signal, timeout: 20_000 });
    let stats = await serving.server.stats();
    for (let i = 0; i < 250 && stats[0]!.requests === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      stats = await serving.server.stats();
    }
    controller.abort();
    await expect(call).rejects.toBeInstanceOf(AbortError);
    await expect(call).rejects.toThrow(/actor "m": the call was aborted/);
    expect(actor.health().inFlight).toBe(0);
    for (let i = 0; i < 250 && stats[0]!.cancelled === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      stats = await serving.server.stats();
    }
    expect(stats[0]).toMatchObject({ requests: 1, cancelled: 1, dropped: 0 });
    // An already aborted signal is refused before anything is sent.
    await expect(actor.run({ features }, { signal: controller.signal })).rejects.toBeInstanceOf(
      AbortError,
    );
    expect((await serving.server.stats())[0]!.requests).toBe(1);
  });
});
