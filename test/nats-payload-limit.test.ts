import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PayloadTooLargeError } from '../src/errors.js';
import { NatsActorServer } from '../src/serve/nats/nats-actor-server.js';
import { NatsServerProcess, skipWithoutNatsServer } from './support/nats-server.js';
import { startRuntime } from './support/runtime.js';

describe.skipIf(skipWithoutNatsServer())("a tensor over the NATS server's max_payload", () => {
  let nats: NatsServerProcess;
  let nc: NatsConnection;
  let server: NatsActorServer;

  beforeAll(async () => {
    nats = await NatsServerProcess.start({ maxPayload: 4096 });
    nc = await connect({ servers: nats.url });
    // An actor that echoes its input, served in this process: the limit is the NATS server's.
    server = await NatsActorServer.start(nc, [
      {
        name: 'echo',
        inputs: [{ name: 'x', dtype: 'float32', shape: ['n'] }],
        outputs: [{ name: 'y', dtype: 'float32', shape: ['n'] }],
        run: async (feeds) => ({ y: feeds.x! }),
      },
    ]);
  });

  afterAll(async () => {
    await server?.stop();
    await nc?.close();
    await nats?.stop();
  });

  it('is refused before sending with a PayloadTooLargeError naming the limit', async () => {
    const runtime = await startRuntime();
    const echo = await runtime.addNatsActor('echo', { connection: nc });
    const small = await echo.run({ x: { dtype: 'float32', dims: [4], data: new Float32Array(4) } });
    expect(small.y!.dims).toEqual([4]);
    const big = echo.run({ x: { dtype: 'float32', dims: [2000], data: new Float32Array(2000) } });
    await expect(big).rejects.toBeInstanceOf(PayloadTooLargeError);
    await expect(big).rejects.toThrow(
      /actor "echo": the feeds encode to \d+ bytes, over the NATS server's max_payload of 4096 bytes/,
    );
    expect(echo.health().inFlight).toBe(0);
  });
});
