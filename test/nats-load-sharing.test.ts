import { describe, expect, it } from 'vitest';
import { classifier } from '../src/models/index.js';
import { skipWithoutNatsServer } from './support/nats-server.js';
import { natsServingFor } from './support/nats-serving.js';
import { startRuntime } from './support/runtime.js';

interface EndpointStats {
  readonly name: string;
  readonly num_requests: number;
  readonly num_errors: number;
  readonly queue_group: string;
}

describe.skipIf(skipWithoutNatsServer())('three server processes and one caller', () => {
  const serving = natsServingFor({
    models: { m: classifier({ seed: 8, inputSize: 16, hidden: 16, classes: 4 }).bytes },
    count: 3,
  });

  it('share the calls through the queue group; each call is answered once', async () => {
    const runtime = await startRuntime();
    const actor = await runtime.addNatsActor('m', { connection: serving.nc });
    const total = 90;
    const inFlight = 12;
    const answers: number[] = new Array(total).fill(0);
    let next = 0;
    // A bounded loop per lane: it stops by itself once every call has been sent.
    await Promise.all(
      Array.from({ length: inFlight }, async () => {
        while (next < total) {
          const i = next++;
          const data = new Float32Array(16).fill(i / total);
          const outputs = await actor.run({ features: { dtype: 'float32', dims: [1, 16], data } });
          expect(outputs.logits!.dims).toEqual([1, 4]);
          answers[i]!++;
        }
      }),
    );
    expect(answers.every((n) => n === 1)).toBe(true);

    // The services protocol's STATS, one answer per server process.
    const replies = await serving.nc.requestMany('$SRV.STATS.roundtable', undefined, {
      maxMessages: serving.servers.length,
      maxWait: 5_000,
    });
    const stats: { id: string; endpoints: EndpointStats[] }[] = [];
    for await (const reply of replies) stats.push(reply.json());
    expect(stats.map((s) => s.id).sort()).toEqual(serving.servers.map((s) => s.instance).sort());
    const served = stats.map((s) => s.endpoints.find((e) => e.name === 'm')!);
    expect(served.every((e) => e.queue_group === 'roundtable.m' && e.num_errors === 0)).toBe(true);
    expect(served.reduce((sum, e) => sum + e.num_requests, 0)).toBe(total);
    expect(served.every((e) => e.num_requests > 0)).toBe(true);
  });
});
