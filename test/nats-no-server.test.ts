import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RemoteUnavailableError } from '../src/errors.js';
import { NatsActorServer } from '../src/serve/nats/nats-actor-server.js';
import type { NatsHostedActor } from '../src/serve/nats/nats-hosted-actor.js';
import { NatsServerProcess, skipWithoutNatsServer } from './support/nats-server.js';
import { startRuntime } from './support/runtime.js';

const echo: NatsHostedActor = {
  name: 'echo',
  inputs: [{ name: 'x', dtype: 'float32', shape: ['n'] }],
  outputs: [{ name: 'y', dtype: 'float32', shape: ['n'] }],
  run: async (feeds) => ({ y: feeds.x! }),
};

describe.skipIf(skipWithoutNatsServer())('a remote actor nobody serves', () => {
  let nats: NatsServerProcess;
  let nc: NatsConnection;

  beforeAll(async () => {
    nats = await NatsServerProcess.start();
    nc = await connect({ servers: nats.url });
  });

  afterAll(async () => {
    await nc?.close();
    await nats?.stop();
  });

  it('cannot be added: RemoteUnavailableError naming the actor', async () => {
    const runtime = await startRuntime();
    const added = runtime.addNatsActor('ghost', { connection: nc });
    await expect(added).rejects.toBeInstanceOf(RemoteUnavailableError);
    await expect(added).rejects.toThrow(/actor "ghost": no server serves "ghost"/);
    expect(runtime.actor('ghost')).toBeUndefined();
  });

  it('answers each call with RemoteUnavailableError once its last server has stopped', async () => {
    const server = await NatsActorServer.start(nc, [echo]);
    const runtime = await startRuntime();
    const actor = await runtime.addNatsActor('echo', { connection: nc });
    const x = { dtype: 'float32' as const, dims: [2], data: new Float32Array([1, 2]) };
    expect((await actor.run({ x })).y!.data).toEqual(new Float32Array([1, 2]));
    await server.stop();
    const calls = await Promise.allSettled([1, 2, 3].map(() => actor.run({ x })));
    for (const call of calls) {
      expect(call.status).toBe('rejected');
      const reason = (call as PromiseRejectedResult).reason;
      expect(reason).toBeInstanceOf(RemoteUnavailableError);
      expect(reason.message).toMatch(/actor "echo": no server answers on roundtable\.echo\.run/);
    }
    expect(actor.health()).toMatchObject({
      kind: 'remote',
      state: 'restarting',
      alive: 0,
      inFlight: 0,
    });
    expect(runtime.health().ready).toBe(false);
    // A server back: the next call is served, and the actor is healthy again.
    const again = await NatsActorServer.start(nc, [echo]);
    expect((await actor.run({ x })).y!.dims).toEqual([2]);
    expect(actor.health()).toMatchObject({ state: 'running', alive: 1 });
    await again.stop();
  });
});
