import { describe, expect, it } from 'vitest';
import { ActorCrashedError, RemoteUnavailableError } from '../src/errors.js';
import { startIndependentServer } from './support/independent-oip-server.js';
import { startRuntime } from './support/runtime.js';

const x = { dtype: 'float32' as const, dims: [1, 3], data: new Float32Array([1, 2, 3]) };

describe('a remote model, when its server dies', () => {
  it('answers ActorCrashedError when the server dies mid-call, then RemoteUnavailableError', async () => {
    const server = await startIndependentServer();
    const runtime = await startRuntime();
    const remote = await runtime.addRemoteModel('doubler', { url: server.url, model: 'doubler' });
    server.behaviour = 'drop-connection';
    await expect(remote.run({ x })).rejects.toThrow(ActorCrashedError);

    server.behaviour = 'slow';
    // Caught at once: it is answered while the server is being killed.
    const inFlight = remote.run({ x }).catch((error: unknown) => error);
    await server.received(2);
    await server.kill();
    expect(await inFlight).toBeInstanceOf(ActorCrashedError);
    await expect(remote.run({ x })).rejects.toThrow(RemoteUnavailableError);
    expect(remote.health()).toMatchObject({ state: 'running', alive: 0, inFlight: 0 });
    expect(runtime.health().ready).toBe(false);
  });
});
