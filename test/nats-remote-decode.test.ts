import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nextTokenModel } from '../src/models/index.js';
import { decode } from '../src/plans/builders.js';
import { ServeProcess } from './support/nats-serve-process.js';
import { NatsServerProcess, skipWithoutNatsServer } from './support/nats-server.js';
import { startRuntime } from './support/runtime.js';

describe.skipIf(skipWithoutNatsServer())('a decode plan over NATS', () => {
  let nats: NatsServerProcess;
  let server: ServeProcess;
  let nc: NatsConnection;
  const dir = mkdtempSync(join(tmpdir(), 'roundtable-nats-decode-'));

  beforeAll(async () => {
    for (const seed of [61, 62])
      writeFileSync(
        join(dir, `lm${seed}.onnx`),
        nextTokenModel({ seed, vocab: 30, embed: 8, hidden: 16, context: 4 }).bytes,
      );
    nats = await NatsServerProcess.start();
    server = await ServeProcess.start(nats.url, dir);
    nc = await connect({ servers: nats.url });
  });

  afterAll(async () => {
    await nc?.close();
    await server?.kill();
    await nats?.stop();
  });

  it('decodes the same tokens with the same log-probability as with local models', async () => {
    // Stateless next-token models: each step sends the whole context window, so any server can
    // take any step (sequences pinned to a server are not supported yet).
    const plan = decode({
      name: 'remote-beam',
      models: [{ actor: 'lm61' }, { actor: 'lm62' }],
      fusion: { strategy: 'log-linear', weights: [0.6, 0.4] },
      search: { type: 'beam', beamWidth: 3 },
      context: 4,
      endToken: 1,
      maxLength: 6,
    });
    const local = await startRuntime();
    for (const name of ['lm61', 'lm62'])
      await local.spawnModel(name, { model: join(dir, `${name}.onnx`) });
    const remote = await startRuntime();
    for (const name of ['lm61', 'lm62']) await remote.addNatsActor(name, { connection: nc });

    const expected = await local.decode(plan, [4, 7]);
    const got = await remote.decode(plan, [4, 7]);
    expect(got.tokens).toEqual(expected.tokens);
    expect(got.logprob).toBe(expected.logprob);
    expect(got.tokens.length).toBeGreaterThan(0);
  });
});
