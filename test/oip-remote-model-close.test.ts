import { describe, expect, it } from 'vitest';
import { ActorStoppedError } from '../src/errors.js';
import { startIndependentServer } from './support/independent-oip-server.js';
import { startRuntime } from './support/runtime.js';

const x = { dtype: 'float32' as const, dims: [1, 3], data: new Float32Array([1, 2, 3]) };

describe('a remote model, when the runtime closes', () => {
  it('answers the call still on the wire after the grace with ActorStoppedError, and refuses new ones', async () => {
    const server = await startIndependentServer();
    server.behaviour = 'slow';
    const runtime = await startRuntime();
    const remote = await runtime.addRemoteModel('doubler', { url: server.url, model: 'doubler' });
    const stopped = new Promise((resolve) => runtime.watch('doubler', resolve));
    // Caught at once: it is answered while close() is awaited, before the expect below.
    const answer = remote.run({ x }).catch((error: unknown) => error);
    await server.received(1);

    await runtime.close(50);

    expect(await answer).toBeInstanceOf(ActorStoppedError);
    await expect(remote.run({ x })).rejects.toThrow(ActorStoppedError);
    await server.abandoned;
    expect(await stopped).toMatchObject({ actor: 'doubler' });
    expect(remote.health()).toMatchObject({ state: 'stopped', inFlight: 0 });
  });
});
