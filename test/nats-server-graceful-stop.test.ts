import { describe, expect, it } from 'vitest';
import { skipWithoutNatsServer } from './support/nats-server.js';
import { heldRequests, natsServingFor } from './support/nats-serving.js';
import { startRuntime } from './support/runtime.js';

describe.skipIf(skipWithoutNatsServer())('a server stopped gracefully mid-run', () => {
  const serving = natsServingFor({ seed: 9, classes: 2, holdMs: 1000, count: 2 });

  it('answers the calls it holds (not taken for a crash); later calls go to the other', async () => {
    const runtime = await startRuntime();
    const actor = await runtime.addNatsActor('m', { connection: serving.nc, livenessMs: 50 });
    const features = { dtype: 'float32' as const, dims: [1, 4], data: new Float32Array(4) };
    const total = 8;
    const calls = Array.from({ length: total }, () => actor.run({ features }, { timeout: 20_000 }));
    const held = await heldRequests(serving.servers, total);
    expect(held[0]! + held[1]!).toBe(total);
    const leaving = held[0]! >= held[1]! ? 0 : 1;
    const exit = serving.servers[leaving]!.stop();

    const results = await Promise.allSettled(calls);
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    expect(await exit).toBe(0);
    const later = await Promise.all([1, 2].map(() => actor.run({ features })));
    expect(later).toHaveLength(2);
    expect((await serving.servers[1 - leaving]!.stats())[0]!.requests).toBe(held[1 - leaving]! + 2);
  });
});
