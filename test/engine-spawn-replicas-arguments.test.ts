import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActorContext } from '../src/actor/context.js';
import { DecoderActor } from '../src/engines/decoder/decoder-actor.js';
import { ModelActor } from '../src/engines/onnx/model-actor.js';
import { ArgumentError, PlanError, RoundtableError } from '../src/errors.js';
import { MODEL_SIZES, sizedModel } from '../src/models/sized-model.js';
import { ensemble } from '../src/plans/builders.js';
import { parsePlan } from '../src/plans/schema.js';
import { customContext } from './fixtures/custom-context.js';
import { junk } from './support/argument-fuzz.js';
import { GPT2_FOLDER } from './support/gpt2-folder.js';

/**
 * ModelActor.spawn and DecoderActor.spawn called directly (not through the runtime, whose
 * spawnModel and spawnDecoder check the same options): a replica count that is not an integer
 * from 1 to 1024 is an ArgumentError naming `options.replicas`, before any worker starts, never
 * a RangeError from inside (an invalid array length for a huge count).
 */

const model = sizedModel({ ...MODEL_SIZES.tiny, seed: 7 }).bytes;
const WRONG = [0, -1, 1.5, Number.NaN, 'x', 2 ** 31, 2 ** 40, 1e308, Number.POSITIVE_INFINITY];

let context: ActorContext;
let served: ModelActor;
const x = {
  dtype: 'float32' as const,
  dims: [1, MODEL_SIZES.tiny.width],
  data: new Float32Array(MODEL_SIZES.tiny.width),
};

beforeAll(async () => {
  context = customContext();
  served = await ModelActor.spawn('served', context, { model, replicas: 2 });
}, 60_000);

afterAll(async () => {
  await served?.close(0);
});

async function refusal(spawn: () => Promise<{ close(ms?: number): Promise<void> }>) {
  const error = await spawn().then(
    async (actor) => {
      await actor.close(0);
      return undefined;
    },
    (e: unknown) => e,
  );
  return error;
}

describe('the engines check replicas at their own door', () => {
  it('ModelActor.spawn: a wrong replica count is an ArgumentError naming options.replicas', async () => {
    for (const replicas of [...WRONG, 1025]) {
      const error = await refusal(() =>
        ModelActor.spawn('m', context, { model, replicas } as never),
      );
      expect(error, `replicas ${String(replicas)}`).toBeInstanceOf(ArgumentError);
      expect((error as ArgumentError).argument).toBe('options.replicas');
      expect((error as Error).message).toContain('ModelActor.spawn("m")');
    }
    // The actor spawned before serves on; nothing was left in the arena.
    const outputs = await served.run({ [served.inputs[0]!.name]: x });
    expect(Object.keys(outputs).length).toBeGreaterThan(0);
    expect(context.arena.stats().bytesInUse).toBe(0);
  }, 60_000);

  it('DecoderActor.spawn: a wrong replica count is an ArgumentError naming options.replicas', async () => {
    for (const replicas of [...WRONG, 1025]) {
      const error = await refusal(() =>
        DecoderActor.spawn('d', context, { folder: GPT2_FOLDER, replicas } as never),
      );
      expect(error, `replicas ${String(replicas)}`).toBeInstanceOf(ArgumentError);
      expect((error as ArgumentError).argument).toBe('options.replicas');
      expect((error as Error).message).toContain('DecoderActor.spawn("d")');
    }
  });

  it('any other wrong value (fuzzed) is a RoundtableError, never a plain error', async () => {
    // Valid counts are left out: each would start that many workers.
    const wrong = junk().filter(
      (v) => !(Number.isSafeInteger(v) && (v as number) >= 1 && (v as number) <= 1024),
    );
    await fc.assert(
      fc.asyncProperty(wrong, async (replicas) => {
        const options = { model, replicas };
        for (const spawn of [
          () => ModelActor.spawn('m', context, options as never),
          () => DecoderActor.spawn('d', context, { folder: GPT2_FOLDER, replicas } as never),
        ]) {
          const error = await refusal(spawn);
          // undefined replicas means the default (1): that spawn succeeds and is closed.
          if (replicas === undefined) continue;
          expect(error).toBeInstanceOf(RoundtableError);
        }
      }),
      { seed: 20_261_205, numRuns: 40, endOnFailure: true },
    );
    expect(context.arena.stats().bytesInUse).toBe(0);
  }, 240_000);
});

describe('a plan file asks for the same bound', () => {
  it('actors.<name>.replicas above 1024 is a PlanError naming the field', () => {
    const planWith = (replicas: number) => ({
      ...ensemble({
        name: 'p',
        models: ['a'],
        input: 'x',
        output: 'y',
        fusion: { strategy: 'mean', kind: 'logits' },
      }),
      actors: { a: { model: 'a.onnx', replicas } },
    });
    expect(parsePlan(planWith(1024)).name).toBe('p');
    expect(() => parsePlan(planWith(1025))).toThrow(PlanError);
    expect(() => parsePlan(planWith(1025))).toThrow(/actors\.a\.replicas/);
  });
});
