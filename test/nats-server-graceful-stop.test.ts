import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServeProcess } from './support/nats-serve-process.js';
import { skipWithoutNatsServer } from './support/nats-server.js';
import { startTwoServers, type TwoServers } from './support/nats-two-servers.js';
import { startRuntime } from './support/runtime.js';

describe.skipIf(skipWithoutNatsServer())('a server stopped gracefully mid-run', () => {
  let cluster: TwoServers;
  let servers: readonly ServeProcess[];
  let nc: NatsConnection;

  beforeAll(async () => {
    cluster = await startTwoServers({ seed: 9, classes: 2, holdMs: 1000 });
    ({ servers, nc } = cluster);
  });

  afterAll(async () => {
    await cluster?.stop();
  });

  it('answers the calls it holds (not taken for a crash); later calls go to the other', async () => {
    const runtime = await startRuntime();
    const actor = await runtime.addNatsActor('m', { connection: nc, livenessMs: 50 });
    const features = { dtype: 'float32' as const, dims: [1, 4], data: new Float32Array(4) };
    const total = 8;
    const calls = Array.from({ length: total }, () => actor.run({ features }, { timeout: 20_000 }));
    let held = [0, 0];
    for (let i = 0; i < 250; i++) {
      held = (await Promise.all(servers.map((s) => s.stats()))).map((s) => s[0]!.requests);
      if (held[0]! + held[1]! === total) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(held[0]! + held[1]!).toBe(total);
    const leaving = held[0]! >= held[1]! ? 0 : 1;
    const exit = servers[leaving]!.stop();

    const results = await Promise.allSettled(calls);
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    expect(await exit).toBe(0);
    const later = await Promise.all([1, 2].map(() => actor.run({ features })));
    expect(later).toHaveLength(2);
    expect((await servers[1 - leaving]!.stats())[0]!.requests).toBe(held[1 - leaving]! + 2);
  });
});
