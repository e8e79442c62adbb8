import { describe, expect, it } from 'vitest';
import { ensemble } from '../src/plans/builders.js';
import { skipWithoutNatsServer } from './support/nats-server.js';
import { heldRequests, natsServingFor } from './support/nats-serving.js';
import { startRuntime } from './support/runtime.js';

describe.skipIf(skipWithoutNatsServer())('a plan whose remote server dies mid-run', () => {
  const serving = natsServingFor({ seed: 6, classes: 3, holdMs: 1500, count: 2 });

  it('runs the crashed steps again on the other server: every run succeeds', async () => {
    const runtime = await startRuntime();
    await runtime.addNatsActor('m', { connection: serving.nc, livenessMs: 100 });
    const plan = ensemble({
      name: 'retry',
      models: ['m'],
      input: 'features',
      output: 'logits',
      fusion: { strategy: 'mean' },
    });
    const retried: string[] = [];
    runtime.events.on('round:retried', (event) => retried.push(event.reason));
    const features = { dtype: 'float32' as const, dims: [1, 4], data: new Float32Array(4) };
    const total = 8;
    const runs = Array.from({ length: total }, () =>
      runtime.run(plan, { features }, { retries: 1 }),
    );
    const held = await heldRequests(serving.servers, total);
    expect(held[0]! + held[1]!).toBe(total);
    const victim = held[0]! >= held[1]! ? 0 : 1;
    await serving.servers[victim]!.kill();

    const results = await Promise.all(runs);
    expect(results.every((r) => r.outputs.fused!.dims.join() === '1,3')).toBe(true);
    expect(retried).toHaveLength(held[victim]!);
    for (const reason of retried) expect(reason).toMatch(/that accepted the call is gone/);
    const survivor = (await serving.servers[1 - victim]!.stats())[0]!;
    expect(survivor.requests).toBe(held[1 - victim]! + held[victim]!);
  });
});
