import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { RemoteError, RemoteUnavailableError } from '../src/errors.js';
import { startIndependentServer } from './support/independent-oip-server.js';
import { startRuntime } from './support/runtime.js';

const _x = { dtype: 'float32' as const, dims: [1, 3], data: new Float32Array([1, 2, 3]) };

/** A loopback port nothing listens on: taken from the system, then given back. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

describe('a remote model, when its server or model is missing', () => {
  it('is a typed error at add time when the server or the model is missing', async () => {
    const runtime = await startRuntime();
    const port = await closedPort();
    await expect(
      runtime.addRemoteModel('gone', { url: `http://127.0.0.1:${port}`, model: 'doubler' }),
    ).rejects.toThrow(RemoteUnavailableError);

    const server = await startIndependentServer();
    const missing = runtime.addRemoteModel('other', { url: server.url, model: 'tripler' });
    await expect(missing).rejects.toThrow(RemoteError);
    await expect(missing).rejects.toMatchObject({ status: 404 });
    expect(runtime.actor('other')).toBeUndefined();
  });
});
