import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifier } from '../src/models/index.js';
import { ensemble } from '../src/plans/builders.js';
import { ServeProcess } from './support/nats-serve-process.js';
import { NatsServerProcess, skipWithoutNatsServer } from './support/nats-server.js';
import { seededFloats, startRuntime } from './support/runtime.js';

describe.skipIf(skipWithoutNatsServer())('a plan over NATS', () => {
  let nats: NatsServerProcess;
  let server: ServeProcess;
  let nc: NatsConnection;
  const dir = mkdtempSync(join(tmpdir(), 'roundtable-nats-'));

  beforeAll(async () => {
    for (const seed of [1, 2, 3])
      writeFileSync(
        join(dir, `m${seed}.onnx`),
        classifier({ seed, inputSize: 8, hidden: 16, classes: 5 }).bytes,
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

  it('gives the same fused numbers when its actors are served by another process', async () => {
    const plan = ensemble({
      name: 'remote',
      models: ['m1', 'm2', 'm3'],
      input: 'features',
      output: 'logits',
      fusion: { strategy: 'log-linear' },
    });
    const features = { dtype: 'float32' as const, dims: [3, 8], data: seededFloats(7, 24) };

    const local = await startRuntime();
    for (const name of ['m1', 'm2', 'm3'])
      await local.spawnModel(name, { model: join(dir, `${name}.onnx`) });
    const expected = await local.run(plan, { features });

    const remote = await startRuntime();
    for (const name of ['m1', 'm2', 'm3']) await remote.addNatsActor(name, { connection: nc });
    const got = await remote.run(plan, { features });

    expect(got.outputs.fused!.dims).toEqual(expected.outputs.fused!.dims);
    expect(Array.from(got.outputs.fused!.data as Float32Array)).toEqual(
      Array.from(expected.outputs.fused!.data as Float32Array),
    );
    expect(got.trace.rounds[0]!.steps.map((s) => s.actor).sort()).toEqual(['m1', 'm2', 'm3']);
    const metrics = await remote.metrics();
    expect(metrics).toMatch(
      /roundtable_remote_calls_total\{actor="m1",transport="nats",outcome="ok"\} 1/,
    );
  });
});
