import { describe, expect, it } from 'vitest';
import { startIndependentServer } from './support/independent-oip-server.js';
import { skipWithoutNatsServer } from './support/nats-server.js';
import { natsServingFor } from './support/nats-serving.js';
import { startRuntime } from './support/runtime.js';

/** Timeouts one setTimeout cannot hold: each would fire after about 1 ms if armed directly. */
const HUGE = [2 ** 31, 2 ** 40, Number.POSITIVE_INFINITY];

describe.skipIf(skipWithoutNatsServer())(
  'a NATS actor call with a timeout beyond setTimeout',
  () => {
    // The server holds each call 300 ms: a timeout that fired early would answer first.
    const serving = natsServingFor({ seed: 5, holdMs: 300 });

    it('is answered by the server, not timed out', async () => {
      const runtime = await startRuntime();
      const actor = await runtime.addNatsActor('m', { connection: serving.nc });
      const features = { dtype: 'float32' as const, dims: [1, 4], data: new Float32Array(4) };
      for (const timeout of HUGE) {
        const outputs = await actor.run({ features }, { timeout });
        expect(outputs.logits!.dims).toEqual([1, 2]);
      }
      expect(actor.health().inFlight).toBe(0);
    });
  },
);

describe('a remote model with a timeout beyond setTimeout', () => {
  it('starts and is answered, not timed out', async () => {
    const server = await startIndependentServer();
    const runtime = await startRuntime();
    const x = { dtype: 'float32' as const, dims: [1, 3], data: new Float32Array([1, 2, 3]) };
    const remote = await runtime.addRemoteModel('doubler', {
      url: server.url,
      model: 'doubler',
      timeout: 2 ** 31,
    });
    for (const timeout of HUGE) {
      const outputs = await remote.run({ x }, { timeout });
      expect([...(outputs.y!.data as Float32Array)]).toEqual([2, 4, 6]);
    }
  });
});
