import { describe, expect, it } from 'vitest';
import { TimeoutError } from '../src/errors.js';
import { startIndependentServer } from './support/independent-oip-server.js';
import { startRuntime } from './support/runtime.js';

const x = { dtype: 'float32' as const, dims: [1, 3], data: new Float32Array([1, 2, 3]) };

describe('a remote model, when the server is slow', () => {
  it('times out, and the server sees the caller leave', async () => {
    const server = await startIndependentServer();
    server.behaviour = 'slow';
    const runtime = await startRuntime();
    const remote = await runtime.addRemoteModel('doubler', {
      url: server.url,
      model: 'doubler',
      timeout: 200,
    });
    await expect(remote.run({ x })).rejects.toThrow(TimeoutError);
    await server.abandoned;
  });
});
