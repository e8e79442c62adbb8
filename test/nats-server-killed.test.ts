import { describe, expect, it } from 'vitest';
import { ActorCrashedError } from '../src/errors.js';
import { skipWithoutNatsServer } from './support/nats-server.js';
import { heldRequests, natsServingFor } from './support/nats-serving.js';
import { startRuntime } from './support/runtime.js';

describe.skipIf(skipWithoutNatsServer())('a server killed mid-run', () => {
  // Both hold each call for 1.5 s before running it, so calls are in their hands at the kill.
  const serving = natsServingFor({ seed: 3, classes: 2, holdMs: 1500, count: 2 });

  it('answers its calls once with ActorCrashedError; the other server serves the rest', async () => {
    const runtime = await startRuntime();
    const actor = await runtime.addNatsActor('m', { connection: serving.nc, livenessMs: 100 });
    const features = {
      dtype: 'float32' as const,
      dims: [1, 4],
      data: new Float32Array([1, 2, 3, 4]),
    };
    const total = 12;
    let answers = 0;
    const calls = Array.from({ length: total }, () =>
      actor.run({ features }, { timeout: 20_000 }).finally(() => answers++),
    );
    // Wait (bounded) until the queue group has handed every call to one of the two servers.
    const held = await heldRequests(serving.servers, total, 200);
    expect(held[0]! + held[1]!).toBe(total);
    const victim = held[0]! >= held[1]! ? 0 : 1;
    await serving.servers[victim]!.kill();

    const settled = await Promise.allSettled(calls);
    expect(answers).toBe(total);
    const crashed = settled.filter((s) => s.status === 'rejected');
    expect(crashed).toHaveLength(held[victim]!);
    for (const call of crashed) {
      const reason = (call as PromiseRejectedResult).reason;
      expect(reason).toBeInstanceOf(ActorCrashedError);
      expect(reason.message).toMatch(
        /actor "m": the server \(instance \w+\) that accepted the call is gone/,
      );
    }
    expect(settled.filter((s) => s.status === 'fulfilled')).toHaveLength(total - held[victim]!);
    expect(actor.health().inFlight).toBe(0);

    // The survivor takes every later call.
    const later = await Promise.all([1, 2, 3].map(() => actor.run({ features })));
    expect(later.map((outputs) => outputs.logits!.dims)).toEqual([
      [1, 2],
      [1, 2],
      [1, 2],
    ]);
  });
});
