import { describe, expect, it } from 'vitest';
import { classifier } from '../src/models/index.js';
import { ensemble } from '../src/plans/builders.js';
import { fusionOf } from '../src/runtime/fusion-access.js';
import { Roundtable } from '../src/runtime/roundtable.js';
import { seededFloats, startRuntime } from './support/runtime.js';

const models = [31, 32, 33].map((seed) =>
  classifier({ seed, inputSize: 8, hidden: 16, classes: 5 }),
);
const plan = ensemble({
  name: 'small',
  models: ['c0', 'c1', 'c2'],
  input: 'features',
  output: 'logits',
  fusion: { strategy: 'log-linear', kind: 'logits', weights: [0.5, 0.3, 0.2] },
});
const feeds = { features: { dtype: 'float32' as const, dims: [3, 8], data: seededFloats(4, 24) } };

/** Runs the plan twice on a new runtime; counts the messages the fusion actor answered. */
async function runTwice(options: { inlineFusionMaxElements?: number }) {
  const runtime = await startRuntime(options);
  await Promise.all(models.map((m, k) => runtime.spawnModel(`c${k}`, { model: m.bytes })));
  let fusionMessages = 0;
  runtime.events.on('actor:message', (event) => {
    if (event.actor === fusionOf(runtime).name) fusionMessages++;
  });
  const first = await runtime.run(plan, feeds);
  const second = await runtime.run(plan, feeds);
  return { runtime, first, second, fusionMessages };
}

describe("a plan's small fusions run on the calling thread", () => {
  it('without a message to the fusion actor, with the same result bit for bit as the actor gives', async () => {
    const inline = await runTwice({});
    const viaActor = await runTwice({ inlineFusionMaxElements: 0 });
    expect(inline.fusionMessages).toBe(0);
    expect(viaActor.fusionMessages).toBe(2);
    const fused = (r: typeof inline.first) => Array.from(r.outputs.fused!.data as Float32Array);
    expect(fused(inline.first)).toEqual(fused(viaActor.first));
    expect(fused(inline.second)).toEqual(fused(inline.first));
    expect(inline.first.trace.rounds[0]!.fusion).toMatchObject({ strategy: 'log-linear' });
    expect(inline.runtime.arena.stats().bytesInUse).toBe(0);
  });

  it('sends fusions above the threshold to the fusion actor', async () => {
    // 3 inputs × [3, 5] = 45 elements: above 44, to the actor; at 45, inline.
    expect((await runTwice({ inlineFusionMaxElements: 44 })).fusionMessages).toBe(2);
    expect((await runTwice({ inlineFusionMaxElements: 45 })).fusionMessages).toBe(0);
  });

  for (const bad of [-1, 2.5, Number.NaN]) {
    it(`refuses inlineFusionMaxElements ${bad} with an ArgumentError`, async () => {
      await expect(Roundtable.create({ inlineFusionMaxElements: bad })).rejects.toThrow(
        /inlineFusionMaxElements must be an integer ≥ 0/,
      );
    });
  }
});
