import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelActor } from '../src/engines/onnx/model-actor.js';
import { DescriptorError, FeedError, FusionError, RoundError } from '../src/errors.js';
import { classifier } from '../src/models/index.js';
import type { RoundsPlan } from '../src/plans/plan.js';
import { Roundtable } from '../src/runtime/roundtable.js';
import type { TensorDescriptor } from '../src/tensor/index.js';
import { rejection } from './fixtures/faulty-rejection.js';
import { seededFloats } from './support/runtime.js';

const faulty = new URL('./fixtures/faulty-actor.ts', import.meta.url);
const model = classifier({ seed: 6, inputSize: 16, hidden: 32, classes: 8 });

let runtime: Roundtable;
let actor: ModelActor;
beforeAll(async () => {
  runtime = await Roundtable.create();
  [actor] = await Promise.all([
    runtime.spawnModel('m', { model: model.bytes }),
    runtime.spawnCustom('clean', { module: faulty, options: { factor: 1 } }),
    runtime.spawnCustom('nan', { module: faulty, options: { factor: 2, poison: Number.NaN } }),
  ]);
});
afterAll(() => runtime.close(0));

function pair(other: string): RoundsPlan {
  return {
    kind: 'rounds',
    name: `clean+${other}`,
    inputs: ['in'],
    outputs: ['fused'],
    rounds: [
      {
        steps: ['clean', other].map((name) => ({
          actor: name,
          inputs: { in: 'in' },
          outputs: { out: `${name}.out` },
        })),
        fusion: {
          strategy: 'log-linear',
          kind: 'logits',
          inputs: ['clean.out', `${other}.out`],
          output: 'fused',
        },
      },
    ],
  };
}
const logits = { in: { dtype: 'float32' as const, dims: [2, 3], data: seededFloats(3, 6) } };
const features = () => runtime.arena.writeTensor('float32', [2, 16], seededFloats(5, 32));

describe('bad input gets a clear typed error and disturbs nothing else', () => {
  it('NaN or Infinity in logits reaching the fusion: the plan run rejects with FusionError naming the input, row and value', async () => {
    const nan = await rejection(runtime.run(pair('nan'), logits));
    expect(nan).toBeInstanceOf(FusionError);
    expect(nan.message).toBe(
      'actor "fusion": log-linear: output of model 1 has NaN at row 0, class 0 (expected finite logits)',
    );
    // Infinity in the feed itself reaches both steps' outputs: the first one is named.
    const infinite = { in: { ...logits.in, data: Float32Array.from(logits.in.data) } };
    infinite.in.data[4] = Number.POSITIVE_INFINITY;
    const inf = await rejection(runtime.run(pair('clean'), infinite));
    expect(inf).toBeInstanceOf(FusionError);
    expect(inf.message).toMatch(
      /^actor "fusion": log-linear: output of model 0 has Infinity at row 1/,
    );
    const ok = await runtime.run(pair('clean'), logits);
    expect(ok.outputs.fused!.dims).toEqual([2, 3]);
    expect(runtime.arena.stats().bytesInUse).toBe(0);
  });

  it('a stale descriptor (released) sent to a model actor: DescriptorError, and the actor serves the next message', async () => {
    const stale = features();
    runtime.arena.release(stale);
    await expect(actor.runShared({ features: stale })).rejects.toThrow(DescriptorError);
    await expect(actor.runShared({ features: stale })).rejects.toThrow(
      /no live block starts here: the tensor was released/,
    );
    const good = features();
    const result = await actor.runShared({ features: good });
    for (const name in result.outputs) runtime.arena.release(result.outputs[name]!);
    runtime.arena.release(good);
    expect(runtime.arena.stats().bytesInUse).toBe(0);
  });

  it('forged descriptors (another generation, an offset off the block, a slab that does not exist) are DescriptorErrors, and the real tensor is untouched', async () => {
    const real = features();
    const before = Array.from(runtime.arena.view(real));
    const forgeries: TensorDescriptor[] = [
      { ...real, gen: real.gen + 1 },
      { ...real, offset: real.offset + 64 },
      { ...real, slab: 999 },
      { ...real, dims: [4, 16] },
    ];
    for (const forged of forgeries) {
      const error = await rejection(actor.runShared({ features: forged }));
      expect(error).toBeInstanceOf(DescriptorError);
      expect(error.message).toMatch(/^tensor descriptor \{slab \d+, offset \d+, gen \d+\}: /);
    }
    const custom = runtime.actor('clean')!;
    await expect(custom.runShared({ in: { ...real, gen: real.gen + 7 } })).rejects.toThrow(
      DescriptorError,
    );
    expect(Array.from(runtime.arena.view(real))).toEqual(before);
    runtime.arena.release(real);
    expect(actor.stats().inFlight).toBe(0);
  });

  it('a stale feed or a feed of the wrong dtype given to a plan: RoundError whose cause is the typed error', async () => {
    const plan: RoundsPlan = {
      kind: 'rounds',
      name: 'one',
      inputs: ['features'],
      outputs: ['logits'],
      rounds: [
        {
          steps: [{ actor: 'm', inputs: { features: 'features' }, outputs: { logits: 'logits' } }],
        },
      ],
    };
    const stale = features();
    runtime.arena.release(stale);
    const error = await rejection(runtime.runShared(plan, { features: stale }));
    expect(error).toBeInstanceOf(RoundError);
    expect(error.cause).toBeInstanceOf(DescriptorError);
    const ints = runtime.arena.writeTensor('int32', [2, 16], new Int32Array(32));
    const wrong = await rejection(runtime.runShared(plan, { features: ints }));
    expect(wrong).toBeInstanceOf(RoundError);
    expect(wrong.cause).toBeInstanceOf(FeedError);
    expect((wrong.cause as Error).message).toBe(
      'actor "m": input "features" expects dtype float32, got int32 [2, 16]',
    );
    runtime.arena.release(ints);
    expect(runtime.arena.stats().bytesInUse).toBe(0);
  });
});
