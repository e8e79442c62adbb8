import { describe, expect, it } from 'vitest';
import { AbortError } from '../src/errors.js';
import { startIndependentServer } from './support/independent-oip-server.js';
import { startRuntime } from './support/runtime.js';

const x = { dtype: 'float32' as const, dims: [1, 3], data: new Float32Array([1, 2, 3]) };

describe('a remote model, when its caller aborts', () => {
  it('honours an AbortSignal by dropping the request', async () => {
    const server = await startIndependentServer();
    server.behaviour = 'slow';
    const runtime = await startRuntime();
    const remote = await runtime.addRemoteModel('doubler', { url: server.url, model: 'doubler' });
    const controller = new AbortController();
    const call = remote.run({ x }, { signal: controller.signal });
    await server.received(1);
    controller.abort();
    await expect(call).rejects.toThrow(AbortError);
    await server.abandoned;
  });
});
