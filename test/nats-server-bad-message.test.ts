import { connect, headers, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Header } from '../src/engines/remote/nats/nats-protocol.js';
import { encodeTensors } from '../src/engines/remote/wire/tensor-codec.js';
import { NatsActorServer } from '../src/serve/nats/nats-actor-server.js';
import { NatsServerProcess, skipWithoutNatsServer } from './support/nats-server.js';

describe.skipIf(skipWithoutNatsServer())('a malformed request to a NATS actor server', () => {
  let nats: NatsServerProcess;
  let nc: NatsConnection;
  let server: NatsActorServer;
  let runs = 0;

  beforeAll(async () => {
    nats = await NatsServerProcess.start();
    nc = await connect({ servers: nats.url });
    server = await NatsActorServer.start(nc, [
      {
        name: 'echo',
        inputs: [{ name: 'x', dtype: 'float32', shape: ['n'] }],
        outputs: [{ name: 'y', dtype: 'float32', shape: ['n'] }],
        run: async (feeds) => {
          runs++;
          return { y: feeds.x! };
        },
      },
    ]);
  });

  afterAll(async () => {
    await server?.stop();
    await nc?.close();
    await nats?.stop();
  });

  it('is answered once with a WireError naming the actor, and never reaches the actor', async () => {
    const garbage = new Uint8Array([200, 0, 0, 0, 1, 2, 3]);
    const replies = await nc.requestMany('roundtable.echo.run', garbage, {
      maxWait: 1_000,
      maxMessages: 3,
    });
    const got: { status: string; body: string }[] = [];
    for await (const reply of replies)
      got.push({ status: reply.headers?.get(Header.status) ?? '', body: reply.string() });
    expect(got.map((r) => r.status)).toEqual(['accepted', 'error']);
    const error = JSON.parse(got[1]!.body) as { name: string; code: string; message: string };
    expect(error).toMatchObject({ name: 'WireError', code: 'ERR_WIRE' });
    expect(error.message).toMatch(
      /^request to actor "echo": header of 200 bytes does not fit in a message of 7/,
    );
    expect(runs).toBe(0);
    expect(server.stats()[0]).toMatchObject({ actor: 'echo', requests: 1, errors: 1 });
  });

  it('with a deadline header that is no time is answered once with a WireError, not run without a deadline', async () => {
    const h = headers();
    h.set(Header.deadline, 'soon');
    // The header is read before the body, which is not even looked at here.
    const replies = await nc.requestMany('roundtable.echo.run', new Uint8Array(), {
      headers: h,
      maxWait: 1_000,
      maxMessages: 2,
    });
    const got: { status: string; body: string }[] = [];
    for await (const reply of replies)
      got.push({ status: reply.headers?.get(Header.status) ?? '', body: reply.string() });
    expect(got.map((r) => r.status)).toEqual(['error']);
    const error = JSON.parse(got[0]!.body) as { name: string; code: string; message: string };
    expect(error).toMatchObject({ name: 'WireError', code: 'ERR_WIRE' });
    expect(error.message).toBe(
      'request to actor "echo": header Roundtable-Deadline is "soon", expected a time in milliseconds since the epoch',
    );
    expect(runs).toBe(0);
    expect(server.stats()[0]).toMatchObject({ actor: 'echo', requests: 2, errors: 2 });
  });

  it('with a deadline of Infinity, as earlier callers sent for a call with no end, runs the call', async () => {
    const h = headers();
    h.set(Header.deadline, 'Infinity');
    const body = encodeTensors({
      x: { dtype: 'float32', dims: [2], data: new Float32Array([1, 2]) },
    });
    const replies = await nc.requestMany('roundtable.echo.run', body, {
      headers: h,
      maxWait: 2_000,
      maxMessages: 2,
    });
    const statuses: string[] = [];
    for await (const reply of replies) statuses.push(reply.headers?.get(Header.status) ?? '');
    expect(statuses).toEqual(['accepted', 'result']);
    expect(runs).toBe(1);
    expect(server.stats()[0]).toMatchObject({ actor: 'echo', requests: 3, errors: 2 });
  });
});
