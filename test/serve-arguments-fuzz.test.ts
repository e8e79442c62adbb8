import { connect, type NatsConnection } from '@nats-io/transport-node';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArgumentError, RoundtableError } from '../src/errors.js';
import { Roundtable } from '../src/runtime/roundtable.js';
import { loadHostedActors } from '../src/serve/hosted-actors.js';
import { type OipHttpServer, startOipHttpServer } from '../src/serve/http/oip-http-server.js';
import { NatsActorServer } from '../src/serve/nats/nats-actor-server.js';
import { junk, mutate, mutation } from './support/argument-fuzz.js';
import { NatsServerProcess, skipWithoutNatsServer } from './support/nats-server.js';

/**
 * The servers' public entries at the door: every wrong argument (runtime, hosted set, actors,
 * options, an address the system will not listen on) is a RoundtableError, never a TypeError or a
 * system error; afterwards a server started before still answers, and the arena holds nothing.
 */

const SEED = 20_261_205;
const runs = (numRuns: number) => ({ seed: SEED, numRuns, endOnFailure: true });

let runtime: Roundtable;
let served: OipHttpServer;
const hosted = { models: new Map() };

beforeAll(async () => {
  runtime = await Roundtable.create();
  served = await startOipHttpServer(runtime, hosted);
});

afterAll(async () => {
  await served?.close();
  await runtime?.close(0);
});

/** Runs `call`; a refusal must be a RoundtableError; what it started is stopped; then `serves`. */
async function refusedOrServed(
  entry: string,
  call: () => Promise<unknown>,
  stop: (started: unknown) => Promise<void>,
  serves: () => Promise<void>,
): Promise<'started' | 'refused'> {
  let started: unknown;
  try {
    started = await call();
  } catch (error) {
    if (!(error instanceof RoundtableError))
      throw new Error(
        `${entry} refused with ${(error as Error)?.name}: ${(error as Error)?.message}`,
      );
  }
  if (started !== undefined) await stop(started);
  await serves();
  expect(runtime.arena.stats().bytesInUse).toBe(0);
  return started === undefined ? 'refused' : 'started';
}

const httpServes = async () => {
  const reply = await fetch(`${served.url}/v2/health/live`);
  expect(reply.status).toBe(200);
};

async function named(call: () => Promise<unknown>, argument: string): Promise<void> {
  const error = await call().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ArgumentError);
  expect((error as ArgumentError).argument).toBe(argument);
}

describe('startOipHttpServer and loadHostedActors check their arguments', () => {
  it('wrong runtime, hosted set and options are RoundtableErrors; the server started before answers', async () => {
    const good = { options: { port: 0, host: '127.0.0.1', maxBodyBytes: 4096 } };
    const outcomes: string[] = [];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('runtime', 'hosted', 'options'),
        mutation(good, true),
        junk(),
        async (which, m, wrong) => {
          const options =
            which === 'options' ? (mutate(good, m) as typeof good)?.options : good.options;
          outcomes.push(
            await refusedOrServed(
              'startOipHttpServer',
              () =>
                startOipHttpServer(
                  (which === 'runtime' ? wrong : runtime) as never,
                  (which === 'hosted' ? wrong : hosted) as never,
                  options as never,
                ),
              (server) => (server as OipHttpServer).close(),
              httpServes,
            ),
          );
        },
      ),
      runs(80),
    );
    expect(outcomes).toContain('started');
    expect(outcomes).toContain('refused');
  }, 120_000);

  it('each wrong argument is named, an address in use included', async () => {
    await named(() => startOipHttpServer({} as never, hosted), 'runtime');
    await named(() => startOipHttpServer(runtime, { models: {} } as never), 'hosted.models');
    await named(() => startOipHttpServer(runtime, hosted, { port: 70_000 }), 'options.port');
    await named(() => startOipHttpServer(runtime, hosted, { port: -1 }), 'options.port');
    await named(() => startOipHttpServer(runtime, hosted, { host: '' }), 'options.host');
    await named(
      () => startOipHttpServer(runtime, hosted, { maxBodyBytes: 0 }),
      'options.maxBodyBytes',
    );
    await named(() => startOipHttpServer(runtime, hosted, { port: served.port }), 'options.port');
    await named(
      () => startOipHttpServer(runtime, hosted, { host: 'no-such-host.invalid' }),
      'options.host',
    );
    await named(() => loadHostedActors(runtime, {}), 'source');
    await named(() => loadHostedActors(runtime, { models: 5 } as never), 'source.models');
    await named(() => loadHostedActors(null as never, { models: 'x' }), 'runtime');
    await httpServes();
  });

  it('loadHostedActors: wrong sources are RoundtableErrors', async () => {
    await fc.assert(
      fc.asyncProperty(junk(), junk(), async (models, plan) => {
        await refusedOrServed(
          'loadHostedActors',
          () => loadHostedActors(runtime, { models, plan } as never),
          async () => {},
          httpServes,
        );
      }),
      runs(60),
    );
  });
});

describe.skipIf(skipWithoutNatsServer())('NatsActorServer.start checks its arguments', () => {
  let nats: NatsServerProcess;
  let nc: NatsConnection;
  let server: NatsActorServer;
  const echo = {
    name: 'echo',
    inputs: [{ name: 'x', dtype: 'float32', shape: ['n'] }],
    outputs: [{ name: 'y', dtype: 'float32', shape: ['n'] }],
    run: async (feeds: Record<string, unknown>) => ({ y: feeds.x }),
  };

  beforeAll(async () => {
    nats = await NatsServerProcess.start();
    nc = await connect({ servers: nats.url });
    server = await NatsActorServer.start(nc, [echo as never], { prefix: 'good' });
  });

  afterAll(async () => {
    await server?.stop();
    await nc?.close();
    await nats?.stop();
  });

  const natsServes = async () => {
    const reply = await nc.request('good.echo.meta', new Uint8Array(0), { timeout: 5_000 });
    expect(JSON.parse(reply.string())).toMatchObject({ actor: 'echo' });
  };

  it('wrong connections, actors and options are RoundtableErrors; the server started before answers', async () => {
    const good = { actors: [echo], options: { prefix: 'fuzz', service: 'fuzz', version: '1.0.0' } };
    const outcomes: string[] = [];
    await fc.assert(
      fc.asyncProperty(
        fc.boolean(),
        mutation(good, true),
        junk(),
        async (wrongConnection, m, wrong) => {
          const args = wrongConnection ? good : (mutate(good, m) as typeof good);
          let actors: unknown;
          let options: unknown;
          try {
            actors = args?.actors;
            options = args?.options;
          } catch {
            // a getter the mutation put on the test's own bundle: left out
          }
          outcomes.push(
            await refusedOrServed(
              'NatsActorServer.start',
              () =>
                NatsActorServer.start(
                  (wrongConnection ? wrong : nc) as never,
                  actors as never,
                  options as never,
                ),
              (started) => (started as NatsActorServer).stop(),
              natsServes,
            ),
          );
        },
      ),
      runs(80),
    );
    expect(outcomes).toContain('started');
    expect(outcomes).toContain('refused');
  }, 120_000);

  it('each wrong argument is named', async () => {
    await named(() => NatsActorServer.start({} as never, [echo as never]), 'nc');
    await named(
      () => NatsActorServer.start(nc, [{ ...echo, name: 'a.b' } as never]),
      'actors[0].name',
    );
    await named(() => NatsActorServer.start(nc, [echo, echo] as never), 'actors[1].name');
    await named(() => NatsActorServer.start(nc, [{ ...echo, run: 1 } as never]), 'actors[0].run');
    await named(
      () => NatsActorServer.start(nc, [echo as never], { prefix: 'a..b' }),
      'options.prefix',
    );
    await named(
      () => NatsActorServer.start(nc, [echo as never], { service: 'a b' }),
      'options.service',
    );
    await named(() => NatsActorServer.start(nc, 'echo' as never), 'actors');
    await natsServes();
  });
});
