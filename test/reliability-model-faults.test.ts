import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withFaultInjection } from '../src/engines/onnx/fault-injection.js';
import type { ModelActor } from '../src/engines/onnx/model-actor.js';
import { replicasOf } from '../src/engines/test-hooks.js';
import { ActorCrashedError, InferenceError } from '../src/errors.js';
import { classifier } from '../src/models/index.js';
import { Roundtable } from '../src/runtime/roundtable.js';
import { gatherFeeds, gatherModel } from './fixtures/faulty-models.js';
import { seededFloats } from './support/runtime.js';

const model = classifier({ seed: 5, inputSize: 16, hidden: 32, classes: 8 });
const feed = (seed: number) => ({
  features: { dtype: 'float32' as const, dims: [4, 16], data: seededFloats(seed, 64) },
});

let runtime: Roundtable;
let actor: ModelActor;
beforeAll(async () => {
  runtime = await Roundtable.create();
  actor = await runtime.spawnModel(
    'faulty',
    withFaultInjection({
      model: model.bytes,
      resourceLimits: { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 8 },
      restart: { backoffMs: 1, maxRestarts: 20 },
      sessionOptions: { logSeverityLevel: 4 },
    }),
  );
});
afterAll(() => runtime.close(0));

/** Arms `fault` on the actor's one replica, runs once, and waits for the restart if it dies. */
async function runWith(fault: Parameters<ReturnType<typeof replicasOf>[number]['injectFault']>[0]) {
  const restarted = new Promise((resolve) => runtime.events.once('actor:restarted', resolve));
  replicasOf(actor)[0]!.injectFault(fault);
  const error = await actor.run(feed(1)).catch((e: unknown) => e as Error);
  return { error, restarted };
}

describe('a model actor answers each message exactly once whatever its worker does', () => {
  it('a worker that calls process.exit mid-run: ActorCrashedError, a restart, then service as before', async () => {
    const expected = await actor.run(feed(2));
    const { error, restarted } = await runWith('exit');
    expect(error).toBeInstanceOf(ActorCrashedError);
    expect(error.message).toMatch(/replica 0 died \(exit code 70\) while running message \d+/);
    await restarted;
    expect(await actor.run(feed(2))).toEqual(expected);
    expect(runtime.arena.stats().bytesInUse).toBe(0);
  });

  it('a worker that dies after writing its outputs, before handing them over: they are reclaimed', async () => {
    const reclaimed = new Promise<{ bytes: number }>((resolve) =>
      runtime.events.once('arena:reclaimed', resolve),
    );
    const before = actor.stats().reclaimedBytes;
    const { error, restarted } = await runWith('exit-holding');
    expect(error).toBeInstanceOf(ActorCrashedError);
    expect((await reclaimed).bytes).toBe(4 * 8 * 4); // logits [4, 8] float32
    expect(actor.stats().reclaimedBytes - before).toBe(128);
    expect(runtime.arena.stats().bytesInUse).toBe(0);
    await restarted;
  });

  it('an exception in the worker code: InferenceError, and the worker lives on', async () => {
    const restarts = actor.stats().restarts;
    const replica = replicasOf(actor)[0];
    replicasOf(actor)[0]!.injectFault('throw');
    const error = await actor.run(feed(1)).catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(InferenceError);
    expect(error.message).toContain('injected fault: the worker code threw mid-run');
    await actor.run(feed(1));
    expect(replicasOf(actor)[0]).toBe(replica);
    expect(actor.stats().restarts).toBe(restarts);
    expect(runtime.arena.stats().bytesInUse).toBe(0);
  });

  it('a worker that runs out of its resourceLimits memory: ActorCrashedError naming it, then a restart', async () => {
    const { error, restarted } = await runWith('oom');
    expect(error).toBeInstanceOf(ActorCrashedError);
    expect(error.message).toContain('ERR_WORKER_OUT_OF_MEMORY');
    await restarted;
    await actor.run(feed(3));
    expect(runtime.arena.stats().bytesInUse).toBe(0);
  });

  it('an ONNX Runtime error mid-run: InferenceError naming the node, and nothing else disturbed', async () => {
    const gather = await runtime.spawnModel('gather', {
      model: gatherModel(),
      sessionOptions: { logSeverityLevel: 4 },
    });
    const good = gather.run(gatherFeeds(3, false));
    const bad = gather.run(gatherFeeds(3, true)).catch((e: unknown) => e as Error);
    const after = gather.run(gatherFeeds(2, false));
    expect((await good).picked!.dims).toEqual([3, 3]);
    const error = await bad;
    expect(error).toBeInstanceOf(InferenceError);
    expect(error.message).toMatch(
      /actor "gather": ONNX Runtime failed while running: .*Gather.*out of data bounds/,
    );
    expect((await after).picked!.dims).toEqual([2, 2]);
    expect(gather.stats().restarts).toBe(0);
    expect(runtime.arena.stats().bytesInUse).toBe(0);
  });
});
