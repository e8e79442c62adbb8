import { connect, type NatsConnection } from '@nats-io/transport-node';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ActorContext } from '../src/actor/context.js';
import { NatsActor } from '../src/engines/remote/nats/nats-actor.js';
import { RemoteModel } from '../src/engines/remote/oip/remote-model.js';
import { ArgumentError, RoundtableError } from '../src/errors.js';
import { NatsActorServer } from '../src/serve/nats/nats-actor-server.js';
import type { NatsHostedActor } from '../src/serve/nats/nats-hosted-actor.js';
import { customContext } from './fixtures/custom-context.js';
import { mutate, mutation } from './support/argument-fuzz.js';
import { startIndependentServer } from './support/independent-oip-server.js';
import { NatsServerProcess, skipWithoutNatsServer } from './support/nats-server.js';

/**
 * The remote actors' own doors, RemoteModel.connect and NatsActor.connect called directly (not
 * through the runtime's addRemoteModel and addNatsActor, which check the same options): a wrong
 * option is an ArgumentError naming it, never a TypeError or a plain error from inside; timeouts
 * follow the runtime's rule (> 0, and longer than one setTimeout or Infinity honoured); a NATS
 * liveness period one setInterval cannot hold is refused.
 */

const SEED = 20_261_205;
const runs = (numRuns: number) => ({ seed: SEED, numRuns, endOnFailure: true });
const BAD_TIMEOUTS = [-1, 0, Number.NaN, Number.NEGATIVE_INFINITY, 'x', null];
const x = { dtype: 'float32' as const, dims: [1, 3], data: new Float32Array([1, 2, 3]) };

let context: ActorContext;

beforeAll(() => {
  context = customContext();
});

/** The error `call` rejects with; what it connected is closed. */
async function errorOf(call: () => Promise<{ close(ms?: number): Promise<void> }>) {
  return call().then(
    async (actor) => {
      await actor.close(0);
      return undefined;
    },
    (e: unknown) => e,
  );
}

function expectNamed(error: unknown, argument: string, label: string): void {
  expect(error, label).toBeInstanceOf(ArgumentError);
  expect((error as ArgumentError).argument, label).toBe(argument);
}

describe('RemoteModel.connect checks its options at the door', () => {
  // The independent server is stopped after each test (test/support/independent-oip-server.ts).
  let url: string;
  let served: RemoteModel;

  beforeEach(async () => {
    url = (await startIndependentServer()).url;
    served = await RemoteModel.connect('served', context, { url, model: 'doubler' });
  });

  afterEach(async () => {
    await served?.close(0);
  });

  const serves = async () => {
    const outputs = await served.run({ x });
    expect([...(outputs.y!.data as Float32Array)]).toEqual([2, 4, 6]);
    expect(context.arena.stats().bytesInUse).toBe(0);
  };

  it('each wrong option is named', async () => {
    const named = async (options: unknown, argument: string, name: unknown = 'r') =>
      expectNamed(
        await errorOf(() => RemoteModel.connect(name as never, context, options as never)),
        argument,
        `${argument}: ${JSON.stringify(options)}`,
      );
    await named(null, 'options');
    await named({ url: '', model: 'doubler' }, 'options.url');
    await named({ url: 'not a url', model: 'doubler' }, 'options.url');
    await named({ url: 'ftp://127.0.0.1/', model: 'doubler' }, 'options.url');
    await named({ url, model: '' }, 'options.model');
    await named({ url, model: 'doubler', version: 3 }, 'options.version');
    await named({ url, model: 'doubler', binary: 'yes' }, 'options.binary');
    for (const timeout of BAD_TIMEOUTS)
      await named({ url, model: 'doubler', timeout }, 'options.timeout');
    await named({ url, model: 'doubler' }, 'name', '');
    await serves();
  });

  it('a timeout beyond setTimeout, or Infinity, is honoured, not refused', async () => {
    for (const timeout of [2 ** 31, Number.POSITIVE_INFINITY]) {
      const remote = await RemoteModel.connect('long', context, { url, model: 'doubler', timeout });
      expect((await remote.run({ x })).y!.dims).toEqual([1, 3]);
      await remote.close(0);
    }
  });

  it('fuzzed options: every refusal a RoundtableError; the model connected before serves on', async () => {
    const good = { url: '', model: 'doubler', version: '1', timeout: 30_000, binary: true };
    const outcomes = new Set<string>();
    await fc.assert(
      fc.asyncProperty(mutation({ ...good, url: 'http://127.0.0.1:1/' }), async (m) => {
        const options = mutate({ ...good, url }, m);
        const error = await errorOf(() => RemoteModel.connect('f', context, options as never));
        if (error !== undefined && !(error instanceof RoundtableError))
          throw new Error(`refused with ${(error as Error)?.name}: ${(error as Error)?.message}`);
        outcomes.add(error === undefined ? 'connected' : 'refused');
        await serves();
      }),
      runs(60),
    );
    expect(outcomes).toEqual(new Set(['connected', 'refused']));
  }, 120_000);
});

describe.skipIf(skipWithoutNatsServer())('NatsActor.connect checks its options at the door', () => {
  let nats: NatsServerProcess;
  let nc: NatsConnection;
  let server: NatsActorServer;
  const echo: NatsHostedActor = {
    name: 'echo',
    inputs: [{ name: 'x', dtype: 'float32', shape: [1, 3] }],
    outputs: [{ name: 'y', dtype: 'float32', shape: [1, 3] }],
    run: async (feeds) => ({ y: feeds.x! }),
  };

  beforeAll(async () => {
    nats = await NatsServerProcess.start();
    nc = await connect({ servers: nats.url });
    server = await NatsActorServer.start(nc, [echo], { prefix: 'good' });
  });

  afterAll(async () => {
    await server?.stop();
    await nc?.close();
    await nats?.stop();
  });

  const connectWith = (options: Record<string, unknown>, name: unknown = 'echo') =>
    errorOf(() =>
      NatsActor.connect(name as never, context.arena, {
        connection: nc,
        prefix: 'good',
        ...options,
      } as never),
    );

  it('each wrong option is named', async () => {
    const named = async (options: Record<string, unknown>, argument: string, name?: unknown) =>
      expectNamed(await connectWith(options, name), argument, `${argument}: ${String(name)}`);
    await named({ connection: {} }, 'options.connection');
    await named({ connection: null }, 'options.connection');
    for (const timeout of BAD_TIMEOUTS) {
      await named({ timeout }, 'options.timeout');
      await named({ readyTimeout: timeout }, 'options.readyTimeout');
      await named({ livenessMs: timeout }, 'options.livenessMs');
    }
    // A period one setInterval cannot hold would probe every millisecond.
    await named({ livenessMs: 2 ** 31 }, 'options.livenessMs');
    await named({ livenessMs: Number.POSITIVE_INFINITY }, 'options.livenessMs');
    await named({ actor: '' }, 'options.actor');
    await named({ actor: 'a.b' }, 'options.actor');
    await named({ actor: 'a b' }, 'options.actor');
    await named({ prefix: '' }, 'options.prefix');
    await named({ prefix: 'a..b' }, 'options.prefix');
    await named({ prefix: 'roundtable.*' }, 'options.prefix');
    // The local name is the name on the servers when no options.actor is given.
    await named({}, 'name', 'e.cho');
    await named({}, 'name', '');
    expect(await connectWith({ actor: 'echo' }, 'a local.name')).toBeUndefined();
  });

  it('a ready handshake longer than one setTimeout, or Infinity, is waited for', async () => {
    // A server that answers the handshake after 200 ms: a timeout that overflowed into firing
    // after about 1 ms would reject first.
    const slow = nc.subscribe('slow.echo.meta', {
      callback: (_error, msg) => {
        setTimeout(
          () =>
            msg.respond(
              JSON.stringify({ inputs: echo.inputs, outputs: echo.outputs, service: 'roundtable' }),
            ),
          200,
        );
      },
    });
    await nc.flush();
    try {
      for (const readyTimeout of [2 ** 31, 2 ** 40, Number.POSITIVE_INFINITY]) {
        const error = await connectWith({ prefix: 'slow', readyTimeout });
        expect(error, `readyTimeout ${readyTimeout}`).toBeUndefined();
      }
    } finally {
      slow.unsubscribe();
    }
  });

  it('fuzzed options: every refusal a RoundtableError; the server serves on', async () => {
    const good = {
      actor: 'echo',
      prefix: 'good',
      timeout: 5_000,
      livenessMs: 250,
      readyTimeout: 5_000,
    };
    const outcomes = new Set<string>();
    await fc.assert(
      fc.asyncProperty(mutation(good), async (m) => {
        const options = mutate(good, m);
        if (typeof options === 'object' && options !== null && !Array.isArray(options))
          Object.defineProperty(options, 'connection', { value: nc, enumerable: true });
        const error = await errorOf(() =>
          NatsActor.connect('echo', context.arena, options as never),
        );
        if (error !== undefined && !(error instanceof RoundtableError))
          throw new Error(`refused with ${(error as Error)?.name}: ${(error as Error)?.message}`);
        outcomes.add(error === undefined ? 'connected' : 'refused');
        const reply = await nc.request('good.echo.meta', undefined, { timeout: 5_000 });
        expect(JSON.parse(reply.string())).toMatchObject({ actor: 'echo' });
        expect(context.arena.stats().bytesInUse).toBe(0);
      }),
      runs(60),
    );
    expect(outcomes).toEqual(new Set(['connected', 'refused']));
  }, 120_000);
});
