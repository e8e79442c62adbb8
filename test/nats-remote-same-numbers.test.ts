import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classifier } from '../src/models/index.js';
import { ensemble } from '../src/plans/builders.js';
import { skipWithoutNatsServer } from './support/nats-server.js';
import { natsServingFor } from './support/nats-serving.js';
import { seededFloats, startRuntime } from './support/runtime.js';

describe.skipIf(skipWithoutNatsServer())('a plan over NATS', () => {
  const serving = natsServingFor({
    models: Object.fromEntries(
      [1, 2, 3].map((seed) => [
        `m${seed}`,
        classifier({ seed, inputSize: 8, hidden: 16, classes: 5 }).bytes,
      ]),
    ),
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
      await local.spawnModel(name, { model: join(serving.dir, `${name}.onnx`) });
    const expected = await local.run(plan, { features });

    const remote = await startRuntime();
    for (const name of ['m1', 'm2', 'm3'])
      await remote.addNatsActor(name, { connection: serving.nc });
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
