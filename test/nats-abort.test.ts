import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AbortError } from '../src/errors.js';
import { classifier } from '../src/models/index.js';
import { ServeProcess } from './support/nats-serve-process.js';
import { NatsServerProcess, skipWithoutNatsServer } from './support/nats-server.js';
import { startRuntime } from './support/runtime.js';

describe.skipIf(skipWithoutNatsServer())('a remote call aborted by its caller', () => {
  let nats: NatsServerProcess;
  let server: ServeProcess;
  let nc: NatsConnection;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'roundtable-nats-abort-'));
    writeFileSync(
      join(dir, 'm.onnx'),
      classifier({ seed: 2, inputSize: 4, hidden: 4, classes: 2 }).bytes,
    );
    nats = await NatsServerProcess.start();
    server = await ServeProcess.start(nats.url, dir, 5_000);
    nc = await connect({ servers: nats.url });
  });

  afterAll(async () => {
    await nc?.close();
    await server?.kill();
    await nats?.stop();
  });

  it('is answered once with AbortError, and the server abandons it', async () => {
    const runtime = await startRuntime();
    const actor = await runtime.addNatsActor('m', { connection: nc });
    const features = { dtype: 'float32' as const, dims: [1, 4], data: new Float32Array(4) };
    const controller = new AbortController();
    const call = actor.run({ features }, { signal: controller.signal, timeout: 20_000 });
    let stats = await server.stats();
    for (let i = 0; i < 250 && stats[0]!.requests === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      stats = await server.stats();
    }
    controller.abort();
    await expect(call).rejects.toBeInstanceOf(AbortError);
    await expect(call).rejects.toThrow(/actor "m": the call was aborted/);
    expect(actor.health().inFlight).toBe(0);
    for (let i = 0; i < 250 && stats[0]!.cancelled === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      stats = await server.stats();
    }
    expect(stats[0]).toMatchObject({ requests: 1, cancelled: 1, dropped: 0 });
    // An already aborted signal is refused before anything is sent.
    await expect(actor.run({ features }, { signal: controller.signal })).rejects.toBeInstanceOf(
      AbortError,
    );
    expect((await server.stats())[0]!.requests).toBe(1);
  });
});
