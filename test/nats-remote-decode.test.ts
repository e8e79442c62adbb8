import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nextTokenModel } from '../src/models/index.js';
import { decode } from '../src/plans/builders.js';
import { skipWithoutNatsServer } from './support/nats-server.js';
import { natsServingFor } from './support/nats-serving.js';
import { startRuntime } from './support/runtime.js';

describe.skipIf(skipWithoutNatsServer())('a decode plan over NATS', () => {
  const serving = natsServingFor({
    models: Object.fromEntries(
      [61, 62].map((seed) => [
        `lm${seed}`,
        nextTokenModel({ seed, vocab: 30, embed: 8, hidden: 16, context: 4 }).bytes,
      ]),
    ),
  });

  it('decodes the same tokens with the same log-probability as with local models', async () => {
    // Stateless next-token models: each step sends the whole context window, so any server can
    // take any step (sequences pinned to a server are not supported yet).
    const plan = decode({
      name: 'remote-beam',
      models: [{ actor: 'lm61' }, { actor: 'lm62' }],
      fusion: { strategy: 'log-linear', weights: [0.6, 0.4] },
      search: { type: 'beam', beamWidth: 3 },
      context: 4,
      endToken: 1,
      maxLength: 6,
    });
    const local = await startRuntime();
    for (const name of ['lm61', 'lm62'])
      await local.spawnModel(name, { model: join(serving.dir, `${name}.onnx`) });
    const remote = await startRuntime();
    for (const name of ['lm61', 'lm62'])
      await remote.addNatsActor(name, { connection: serving.nc });

    const expected = await local.decode(plan, [4, 7]);
    const got = await remote.decode(plan, [4, 7]);
    expect(got.tokens).toEqual(expected.tokens);
    expect(got.logprob).toBe(expected.logprob);
    expect(got.tokens.length).toBeGreaterThan(0);
  });
});
