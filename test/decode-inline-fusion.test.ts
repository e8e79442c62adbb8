import { describe, expect, it } from 'vitest';
import type { FuseReply, FuseRequest, Fuser } from '../src/actor/fuser.js';
import { InlineFuser } from '../src/engines/fusion/inline-fuser.js';
import { nextTokenModel } from '../src/models/index.js';
import { decode } from '../src/plans/builders.js';
import { fusionOf } from '../src/runtime/fusion-access.js';
import { seededFloats, startRuntime } from './support/runtime.js';

const CONTEXT = 4;

function logitsRequest(
  runtime: Awaited<ReturnType<typeof startRuntime>>,
  rows: number,
  vocab: number,
  seed: number,
): FuseRequest {
  const inputs = [0, 1, 2].map((k) => {
    const data = seededFloats(seed * 10 + k, rows * vocab).map((x) => x * 4);
    return runtime.arena.writeTensor('float32', [rows, vocab], data);
  });
  return {
    strategy: 'log-linear',
    kind: 'logits',
    inputs,
    weights: [0.5, 0.3, 0.2],
    temperatures: [1, 1, 1],
  };
}

/** Counts the fusions it passes on to the real fusion actor. */
class CountingFuser implements Fuser {
  calls = 0;
  constructor(readonly inner: Fuser) {}
  fuse(request: FuseRequest): Promise<FuseReply> {
    this.calls++;
    return this.inner.fuse(request);
  }
}

describe('decoding fuses small tensors inline', () => {
  it('gives bit for bit the fusion actor result, and sends only large requests to the actor', async () => {
    const runtime = await startRuntime();
    const actor = new CountingFuser(fusionOf(runtime));
    const fuser = new InlineFuser(runtime.arena, actor, 3 * 2 * 50);
    const small = logitsRequest(runtime, 2, 50, 7);
    const inline = await fuser.fuse(small);
    const remote = await fusionOf(runtime).fuse(small);
    expect(actor.calls).toBe(0);
    expect(Array.from(runtime.arena.view(inline.output) as Float32Array)).toEqual(
      Array.from(runtime.arena.view(remote.output) as Float32Array),
    );
    expect(inline.agreement).toEqual(remote.agreement);
    expect(inline.divergence).toEqual(remote.divergence);

    const large = logitsRequest(runtime, 2, 51, 8);
    const viaActor = await fuser.fuse(large);
    expect(actor.calls).toBe(1);
    for (const d of [
      inline.output,
      remote.output,
      viaActor.output,
      ...small.inputs,
      ...large.inputs,
    ])
      runtime.arena.release(d);
    expect(runtime.arena.stats().bytesInUse).toBe(0);
  });

  it('rejects with a typed error, freeing what it allocated, and honours an aborted signal', async () => {
    const runtime = await startRuntime();
    const fuser = new InlineFuser(runtime.arena, fusionOf(runtime));
    const request = logitsRequest(runtime, 1, 10, 9);
    const wrong = runtime.arena.writeTensor('float32', [1, 11], new Float32Array(11));
    await expect(
      fuser.fuse({
        ...request,
        inputs: [request.inputs[0]!, wrong],
        weights: [1, 1],
        temperatures: [1, 1],
      }),
    ).rejects.toMatchObject({ code: 'ERR_FUSION' });
    await expect(fuser.fuse(request, { signal: AbortSignal.abort() })).rejects.toMatchObject({
      code: 'ERR_ABORTED',
    });
    for (const d of [...request.inputs, wrong]) runtime.arena.release(d);
    expect(runtime.arena.stats().bytesInUse).toBe(0);
  });

  it('a decode plan traces each model step with its session.run time, and frees every tensor', async () => {
    const runtime = await startRuntime();
    const models = [61, 62].map((seed) =>
      nextTokenModel({ seed, vocab: 30, embed: 8, hidden: 16, context: CONTEXT }),
    );
    await Promise.all(models.map((m, k) => runtime.spawnModel(`lm${k}`, { model: m.bytes })));
    const plan = decode({
      name: 'greedy',
      models: models.map((_, k) => ({ actor: `lm${k}` })),
      fusion: { strategy: 'log-linear' },
      search: { type: 'beam', beamWidth: 3 },
      context: CONTEXT,
      endToken: 1,
      maxLength: 5,
    });
    const result = await runtime.decode(plan, [4, 7]);
    for (const round of result.trace.rounds) {
      for (const step of round.steps) {
        expect(step.runMs).toBeGreaterThan(0);
        expect(step.runMs!).toBeLessThanOrEqual(step.ms);
      }
    }
    expect(runtime.arena.stats().bytesInUse).toBe(0);
  });
});
