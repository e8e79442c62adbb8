import { headers } from '@nats-io/transport-node';
import { describe, expect, it } from 'vitest';
import { Header } from '../src/engines/remote/nats/nats-protocol.js';
import { encodeTensors } from '../src/engines/remote/wire/tensor-codec.js';
import { TimeoutError } from '../src/errors.js';
import { skipWithoutNatsServer } from './support/nats-server.js';
import { natsServingFor } from './support/nats-serving.js';
import { startRuntime } from './support/runtime.js';

describe.skipIf(skipWithoutNatsServer())('a slow server', () => {
  // Each call waits 5 s there before it runs: far beyond the callers' timeouts below.
  const serving = natsServingFor({ seed: 1, holdMs: 5_000 });
  const features = { dtype: 'float32' as const, dims: [1, 4], data: new Float32Array(4) };

  it('times the call out, and the cancel makes the server drop the work', async () => {
    const runtime = await startRuntime();
    const actor = await runtime.addNatsActor('m', { connection: serving.nc });
    const call = actor.run({ features }, { timeout: 300 });
    await expect(call).rejects.toBeInstanceOf(TimeoutError);
    await expect(call).rejects.toThrow(/actor "m": no answer within 300 ms/);
    // The cancel travels after the timeout; wait until the server has taken it (bounded).
    let stats = await serving.server.stats();
    for (let i = 0; i < 100 && stats[0]!.cancelled === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      stats = await serving.server.stats();
    }
    expect(stats[0]).toMatchObject({ actor: 'm', requests: 1, cancelled: 1 });
  });

  it('drops a call whose deadline has passed when it arrives, answering TimeoutError', async () => {
    const h = headers();
    h.set(Header.deadline, String(Date.now() - 1));
    const reply = await serving.nc.request('roundtable.m.run', encodeTensors({ features }), {
      timeout: 5_000,
      headers: h,
    });
    expect(reply.headers?.get(Header.status)).toBe('error');
    expect(reply.json<{ code: string; message: string }>()).toMatchObject({
      code: 'ERR_TIMEOUT',
      message: 'actor "m": the call\'s deadline passed before it started',
    });
    const stats = await serving.server.stats();
    expect(stats[0]!.dropped).toBe(1);
  });
});
