import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActorStoppedError } from '../src/errors.js';
import { classifier } from '../src/models/index.js';
import type { RoundsPlan } from '../src/plans/plan.js';
import { ServeProcess } from './support/nats-serve-process.js';
import { NatsServerProcess, skipWithoutNatsServer } from './support/nats-server.js';
import { startRuntime } from './support/runtime.js';

const delay = new URL('./fixtures/custom-delay.ts', import.meta.url);
const features = { dtype: 'float32' as const, dims: [1, 4], data: new Float32Array(4) };

const slow: RoundsPlan = {
  kind: 'rounds',
  name: 'slow',
  inputs: ['in'],
  outputs: ['out'],
  rounds: [{ steps: [{ actor: 'slow', inputs: { in: 'in' }, outputs: { out: 'out' } }] }],
};

describe.skipIf(skipWithoutNatsServer())("a NATS actor, once the runtime's close() began", () => {
  let nats: NatsServerProcess;
  let server: ServeProcess;
  let nc: NatsConnection;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'roundtable-nats-closing-'));
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

  it('refuses direct calls with ActorStoppedError while an admitted run finishes', async () => {
    const runtime = await startRuntime();
    await runtime.spawnCustom('slow', { module: delay, options: { delayMs: 500, factor: 1 } });
    const actor = await runtime.addNatsActor('m', { connection: nc });
    // Served while the runtime is open: the refusals below are the close's, not a broken actor's.
    expect((await actor.run({ features })).logits!.dims).toEqual([1, 2]);
    const requestsBefore = (await server.stats())[0]!.requests;
    const admitted = runtime.run(slow, {
      in: { dtype: 'float32', dims: [1], data: new Float32Array([1]) },
    });
    const closed = runtime.close(10_000);

    const run = actor.run({ features });
    await expect(run).rejects.toBeInstanceOf(ActorStoppedError);
    await expect(run).rejects.toThrow(/actor "m": run\(\) refused, the runtime is closing/);
    const shared = runtime.arena.writeTensor('float32', [1, 4], new Float32Array(4));
    try {
      const runShared = actor.runShared({ features: shared });
      await expect(runShared).rejects.toBeInstanceOf(ActorStoppedError);
      await expect(runShared).rejects.toThrow(/runShared\(\) refused, the runtime is closing/);
    } finally {
      runtime.arena.release(shared);
    }
    expect(actor.health()).toMatchObject({ inFlight: 0 });
    // Nothing reached the server.
    expect((await server.stats())[0]!.requests).toBe(requestsBefore);

    expect((await admitted).outputs.out!.data).toEqual(new Float32Array([1]));
    await closed;
    expect(runtime.arena.stats().bytesInUse).toBe(0);
  });
});
