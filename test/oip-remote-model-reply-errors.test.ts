import { describe, expect, it } from 'vitest';
import { FeedError } from '../src/errors.js';
import { startIndependentServer } from './support/independent-oip-server.js';
import { startRuntime } from './support/runtime.js';

const x = { dtype: 'float32' as const, dims: [1, 3], data: new Float32Array([1, 2, 3]) };

describe('a remote model, when the feeds or the reply are wrong', () => {
  it('checks feeds before sending, and reports the server refusing or answering wrong', async () => {
    const server = await startIndependentServer();
    const runtime = await startRuntime();
    const remote = await runtime.addRemoteModel('doubler', { url: server.url, model: 'doubler' });

    await expect(remote.run({ x: { ...x, dims: [3, 1] } })).rejects.toThrow(
      /actor "doubler": input "x" expects dimension 1 to be 3/,
    );
    await expect(remote.run({ z: x })).rejects.toThrow(FeedError);
    expect(server.seen).toHaveLength(0);

    server.behaviour = 'refuse-400';
    const refused = remote.run({ x });
    await expect(refused).rejects.toThrow(/HTTP 400: input x: the doubler is tired/);
    await expect(refused).rejects.toMatchObject({ code: 'ERR_REMOTE', status: 400 });

    server.behaviour = 'short-binary-reply';
    await expect(remote.run({ x })).rejects.toThrow(
      /output "y": FP32 shape \[1, 3\] takes 12 bytes, binary_data_size is 8/,
    );
    server.behaviour = 'wrong-datatype';
    await expect(remote.run({ x })).rejects.toThrow(/output "y" came as int32/);
    expect(runtime.arena.stats().bytesInUse).toBe(0);
  });
});
