import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActorContext } from '../src/actor/context.js';
import { CustomActor } from '../src/engines/js/index.js';
import { ActorError, FeedError, PlanError, TimeoutError } from '../src/errors.js';
import type { TensorDescriptor } from '../src/tensor/index.js';
import { SeededRandom } from '../src/util/random.js';
import { customContext, fixture } from './fixtures/custom-context.js';
import type { createActor } from './fixtures/custom-scorer.js';

type Scorer = ReturnType<typeof createActor>;

const BATCH = 64;
const CLASSES = 16;
const random = new SeededRandom(20_240_611);
const weights = random.fillNormal(new Float32Array(CLASSES));

let context: ActorContext;
let scorer: CustomActor<Scorer>;
beforeAll(async () => {
  // Slabs of 4 KiB: the logits fill the first slab, so the worker must add one for its outputs
  // and the runtime must learn of it before it reads the reply.
  context = customContext({ slabSize: 4096 });
  scorer = await CustomActor.spawn<Scorer>('scorer', context, {
    module: fixture('custom-scorer'),
    options: { weights },
  });
});
afterAll(() => scorer.close(0));

function logits(batch: number): { data: Float32Array; descriptor: TensorDescriptor } {
  const data = random.fillNormal(new Float32Array(batch * CLASSES));
  return { data, descriptor: context.arena.writeTensor('float32', [batch, CLASSES], data) };
}

/** The scorer's arithmetic, done here on the private copy of the logits. */
function expected(data: Float32Array, batch: number) {
  const score = new Float32Array(batch);
  const best = new Int32Array(batch);
  for (let b = 0; b < batch; b++) {
    const row = data.subarray(b * CLASSES, (b + 1) * CLASSES);
    score[b] = row.reduce((total, value, c) => total + value * weights[c]!, 0);
    best[b] = row.indexOf(Math.max(...row));
  }
  return { score, best };
}

describe('a custom actor runs as a plan step on arena tensors', () => {
  it('reads its inputs in place and returns its outputs as descriptors the caller owns', async () => {
    const live = context.arena.stats().liveAllocations;
    const input = logits(BATCH);
    const slabsBefore = context.arena.stats().slabCount;
    const result = await scorer.runShared({ logits: input.descriptor });

    expect(Object.keys(result.outputs).sort()).toEqual(['best', 'score']);
    expect(context.arena.stats().slabCount).toBeGreaterThan(slabsBefore);
    const score = context.arena.readTensor(result.outputs.score!);
    const best = context.arena.readTensor(result.outputs.best!);
    const want = expected(input.data, BATCH);
    expect(score).toMatchObject({ dtype: 'float32', dims: [BATCH] });
    expect(best).toMatchObject({ dtype: 'int32', dims: [BATCH] });
    expect(Array.from(score.data as Float32Array)).toEqual(Array.from(want.score));
    expect(Array.from(best.data as Int32Array)).toEqual(Array.from(want.best));
    expect(result.stats.copiedIn).toBe(0);
    expect(result.stats.copiedOut).toBe(2 * BATCH * 4);
    expect(await scorer.ref.lastInputShared()).toBe(true);

    context.arena.release(result.outputs.score!);
    context.arena.release(result.outputs.best!);
    context.arena.release(input.descriptor);
    expect(context.arena.stats().liveAllocations).toBe(live);
  });

  it('declares the inputs and outputs of its signature export, and checks feeds against them', async () => {
    expect(scorer.inputs).toEqual([
      { name: 'logits', dtype: 'float32', shape: ['batch', 'classes'] },
    ]);
    expect(scorer.outputs?.map((output) => output.name)).toEqual(['score', 'best']);
    const wrong = context.arena.writeTensor('float64', [2, CLASSES], new Float64Array(2 * CLASSES));
    await expect(scorer.runShared({ logits: wrong })).rejects.toThrow(
      new FeedError('actor "scorer": input "logits" expects dtype float32, got float64 [2, 16]'),
    );
    await expect(scorer.runShared({})).rejects.toBeInstanceOf(FeedError);
    context.arena.release(wrong);
  });

  it('turns an exception in run into ActorError and leaves nothing allocated', async () => {
    const live = context.arena.stats().liveAllocations;
    const narrow = context.arena.writeTensor('float32', [2, 3], new Float32Array(6));
    await expect(scorer.runShared({ logits: narrow })).rejects.toThrow(
      new ActorError('actor "scorer": run() threw RangeError: expected 16 classes, got 3'),
    );
    context.arena.release(narrow);
    expect(context.arena.stats().liveAllocations).toBe(live);
  });

  it('frees the outputs of a run that timed out when they arrive', async () => {
    const live = context.arena.stats().liveAllocations;
    const input = logits(4);
    await scorer.ref.closeGate();
    await expect(
      scorer.runShared({ logits: input.descriptor }, { timeout: 20 }),
    ).rejects.toBeInstanceOf(TimeoutError);
    await scorer.ref.openGate();
    // Replies come back in order on the actor port: once this one is in, the late run's is too.
    expect(await scorer.ref.ping()).toBe('pong');
    context.arena.release(input.descriptor);
    expect(context.arena.stats().liveAllocations).toBe(live);
  });

  it('refuses a step on an actor without a run method', async () => {
    const greeter = await CustomActor.spawn('greeter', context, {
      module: fixture('custom-greeter'),
      options: { greeting: 'Hi' },
    });
    const refused = greeter.runShared({});
    await expect(refused).rejects.toThrow(
      /^actor "greeter" has no run\(inputs\) method, so it cannot run a plan step; its methods are "greet", /,
    );
    await expect(refused).rejects.toBeInstanceOf(PlanError);
    await greeter.close();
  });
});
