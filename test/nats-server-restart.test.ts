import { describe, expect, it } from 'vitest';
import { RemoteUnavailableError } from '../src/errors.js';
import { skipWithoutNatsServer } from './support/nats-server.js';
import { natsServingFor } from './support/nats-serving.js';
import { startRuntime } from './support/runtime.js';

/** Polls `done` every 20 ms, at most `tries` times: a bounded wait for a settled state. */
async function until(done: () => boolean | Promise<boolean>, tries = 500): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (await done()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('the state waited for never came');
}

describe.skipIf(skipWithoutNatsServer())('the NATS server restarted', () => {
  // Calls wait 1 s there, so one is in flight when NATS goes down.
  const serving = natsServingFor({
    seed: 4,
    holdMs: 1_000,
    connection: { maxReconnectAttempts: -1, reconnectTimeWait: 100 },
  });

  it('fails calls during the outage with typed errors; after the reconnect calls succeed', async () => {
    const runtime = await startRuntime();
    const actor = await runtime.addNatsActor('m', { connection: serving.nc });
    const features = { dtype: 'float32' as const, dims: [1, 4], data: new Float32Array(4) };
    expect((await actor.run({ features })).logits!.dims).toEqual([1, 2]);

    // Caught at once: it is answered while NATS is being stopped, before the assertions below.
    const inFlight = actor.run({ features }, { timeout: 20_000 }).catch((error: unknown) => error);
    await until(async () => (await serving.server.stats())[0]!.requests === 2);
    await serving.nats.stop();
    const lost = await inFlight;
    expect(lost).toBeInstanceOf(RemoteUnavailableError);
    expect((lost as Error).message).toMatch(/connection to the NATS server was lost/);

    await until(() => actor.health().state === 'restarting');
    expect(runtime.health().ready).toBe(false);
    const during = actor.run({ features });
    await expect(during).rejects.toBeInstanceOf(RemoteUnavailableError);
    await expect(during).rejects.toThrow(/actor "m": not connected to the NATS server/);

    await serving.nats.restart();
    await until(() => actor.health().state === 'running');
    // The serving process reconnects on its own schedule: until it has, no one responds.
    let answered = false;
    for (let attempt = 0; attempt < 200 && !answered; attempt++) {
      try {
        const outputs = await actor.run({ features }, { timeout: 10_000 });
        expect(outputs.logits!.dims).toEqual([1, 2]);
        answered = true;
      } catch (error) {
        expect(error).toBeInstanceOf(RemoteUnavailableError);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    expect(answered).toBe(true);
    expect(runtime.health().ready).toBe(true);
  });
});
