import { describe, expect, it } from 'vitest';
import { startIndependentServer } from './support/independent-oip-server.js';
import { startRuntime } from './support/runtime.js';

const x = {
  dtype: 'float32' as const,
  dims: [2, 3],
  data: new Float32Array([1, -2, 3, 0.5, 0, -7]),
};
const doubled = [2, -4, 6, 1, 0, -14];

describe('a remote model', () => {
  it('runs on an independent server with the binary data extension by default', async () => {
    const server = await startIndependentServer();
    const runtime = await startRuntime();
    const remote = await runtime.addRemoteModel('doubler', { url: server.url, model: 'doubler' });
    expect(remote.inputs).toEqual([{ name: 'x', dtype: 'float32', shape: [-1, 3] }]);

    const outputs = await remote.run({ x });

    expect(outputs.y?.dtype).toBe('float32');
    expect(outputs.y?.dims).toEqual([2, 3]);
    expect(Array.from(outputs.y?.data as Float32Array)).toEqual(doubled);
    expect(server.seen).toHaveLength(1);
    expect(server.seen[0]?.headerLength).toBeDefined();
    expect(server.seen[0]?.json.inputs[0]?.parameters).toEqual({ binary_data_size: 24 });
    expect(runtime.arena.stats().bytesInUse).toBe(0);
  });

  it('sends and reads JSON tensors when binary is off', async () => {
    const server = await startIndependentServer();
    const runtime = await startRuntime();
    const remote = await runtime.addRemoteModel('doubler', {
      url: server.url,
      model: 'doubler',
      binary: false,
    });

    const outputs = await remote.run({ x });

    expect(Array.from(outputs.y?.data as Float32Array)).toEqual(doubled);
    expect(server.seen[0]?.headerLength).toBeUndefined();
    expect(runtime.health().actors.find((a) => a.name === 'doubler')).toMatchObject({
      kind: 'remote',
      state: 'running',
      alive: 1,
    });
    expect(await runtime.metrics()).toMatch(
      /roundtable_actor_messages_total\{actor="doubler",outcome="ok"\} 1/,
    );
  });
});
