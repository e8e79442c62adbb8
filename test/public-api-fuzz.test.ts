import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DecoderActor } from '../src/engines/decoder/decoder-actor.js';
import type { ModelActor } from '../src/engines/onnx/model-actor.js';
import { RoundtableError } from '../src/errors.js';
import { MODEL_SIZES, sizedModel } from '../src/models/sized-model.js';
import { decode, ensemble, layers, refine } from '../src/plans/builders.js';
import type { RoundsPlan } from '../src/plans/plan.js';
import { parsePlan } from '../src/plans/schema.js';
import { Roundtable } from '../src/runtime/roundtable.js';
import { junk, mutate, mutation } from './support/argument-fuzz.js';
import { GPT2_DIR } from './support/gpt2-plain-loop.js';

/**
 * Wrong arguments of every kind, at every place of the public API's arguments: each call either
 * succeeds or is refused with a RoundtableError (never a TypeError or RangeError from inside), and
 * afterwards the runtime still serves a good request and the arena holds nothing.
 */

const SEED = 20_261_204;
const WIDTH = MODEL_SIZES.tiny.width;
const delay = new URL('./fixtures/custom-delay.ts', import.meta.url);

let runtime: Roundtable;
let model: ModelActor;
let decoder: DecoderActor;
const refusals = new Map<string, number>();

const goodPlan: RoundsPlan = {
  kind: 'rounds',
  name: 'two-steps',
  inputs: ['input'],
  outputs: ['doubled'],
  rounds: [
    { steps: [{ actor: 'mlp', inputs: { input: 'input' }, outputs: { output: 'logits' } }] },
    {
      steps: [{ actor: 'double', inputs: { in: 'logits' }, outputs: { out: 'doubled' } }],
      stop: { tensor: 'doubled', atLeast: -1e9, reduce: 'min' },
      deadlineMs: 60_000,
    },
  ],
};
const goodFeeds = () => ({
  input: { dtype: 'float32' as const, dims: [1, WIDTH], data: new Float32Array(WIDTH).fill(0.25) },
});
const goodOptions = { timeout: 60_000, retries: 0, signal: new AbortController().signal };

/** Runs `call`; a refusal must be a RoundtableError. Then the runtime must still serve. */
async function refusedOrServed(entry: string, call: () => unknown, heldByTest = 0): Promise<void> {
  let outcome: unknown;
  try {
    outcome = await call();
  } catch (error) {
    if (!(error instanceof RoundtableError)) {
      throw new Error(
        `${entry} refused with ${(error as Error)?.name}: ${(error as Error)?.message}`,
      );
    }
    refusals.set(entry, (refusals.get(entry) ?? 0) + 1);
  }
  await release(outcome);
  const served = await runtime.run(goodPlan, goodFeeds());
  expect(served.outputs.doubled!.dims).toEqual([1, WIDTH]);
  expect(runtime.arena.stats().bytesInUse).toBe(heldByTest);
}

/** What a call that succeeded left for its caller to free. */
async function release(outcome: unknown): Promise<void> {
  if (typeof outcome !== 'object' || outcome === null) return;
  const o = outcome as Record<string, unknown>;
  if (typeof o.close === 'function') await (o.close as () => Promise<void>)();
  const outputs = o.outputs as Record<string, unknown> | undefined;
  if (outputs && 'trace' in o === false)
    for (const d of Object.values(outputs))
      if (typeof d === 'object' && d !== null && 'slab' in d) runtime.arena.release(d as never);
  if (o.sequence) await decoder.closeSequence(o.sequence as never);
}

const open = () => decoder.open([1, 2, 3]);
const runs = (numRuns: number) => ({ seed: SEED, numRuns, endOnFailure: true });

describe('every wrong argument to the public API is a RoundtableError, and the runtime serves on', () => {
  beforeAll(async () => {
    runtime = await Roundtable.create();
    model = await runtime.spawnModel('mlp', {
      model: sizedModel({ ...MODEL_SIZES.tiny, seed: 5 }).bytes,
    });
    await runtime.spawnCustom('double', { module: delay, options: { delayMs: 0, factor: 2 } });
    decoder = await runtime.spawnDecoder('gpt2', { folder: GPT2_DIR });
  }, 120_000);

  afterAll(async () => {
    await runtime?.close(0);
  });

  it('runtime.run, runShared and decode: wrong plans, feeds and options', async () => {
    const goodDecode = decode({
      name: 'greedy',
      models: [{ actor: 'mlp' }],
      fusion: { strategy: 'log-linear' },
      search: { type: 'greedy' },
      context: 4,
      endToken: 0,
      maxLength: 2,
    });
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('plan', 'feeds', 'options'),
        mutation(goodPlan),
        mutation(goodFeeds()),
        mutation(goodOptions),
        async (which, planM, feedsM, optionsM) => {
          const plan = which === 'plan' ? mutate(goodPlan, planM) : goodPlan;
          const feeds = which === 'feeds' ? mutate(goodFeeds(), feedsM) : goodFeeds();
          const options = which === 'options' ? mutate(goodOptions, optionsM) : goodOptions;
          await refusedOrServed('run', () =>
            runtime.run(plan as never, feeds as never, options as never),
          );
        },
      ),
      runs(120),
    );
    await fc.assert(
      fc.asyncProperty(mutation(goodPlan), mutation({ input: 0 }), async (planM, feedsM) => {
        const shared = runtime.arena.writeTensor('float32', [1, WIDTH], new Float32Array(WIDTH));
        const held = runtime.arena.stats().bytesInUse;
        try {
          const feeds = mutate({ input: 0 }, feedsM) as Record<string, unknown>;
          // Only where the mutation left the placeholder (a getter there is the mutation's).
          if (Object.getOwnPropertyDescriptor(feeds ?? {}, 'input')?.value === 0)
            feeds.input = shared;
          await refusedOrServed(
            'runShared',
            () => runtime.runShared(mutate(goodPlan, planM) as never, feeds as never),
            held,
          );
        } finally {
          runtime.arena.release(shared);
        }
      }),
      runs(30),
    );
    await fc.assert(
      fc.asyncProperty(mutation(goodDecode), junk(WIDTH), async (planM, prompt) => {
        await refusedOrServed('decode', () =>
          runtime.decode(mutate(goodDecode, planM) as never, prompt as never),
        );
      }),
      runs(30),
    );
  }, 120_000);

  it('the actors: a model actor, a decoder, and generate', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.boolean(),
        mutation(goodFeeds()),
        mutation({ timeout: 60_000 }),
        async (feedsWrong, feedsM, optionsM) => {
          const feeds = feedsWrong ? mutate(goodFeeds(), feedsM) : goodFeeds();
          const options = feedsWrong ? {} : mutate({ timeout: 60_000 }, optionsM);
          await refusedOrServed('model.run', () => model.run(feeds as never, options as never));
        },
      ),
      runs(40),
    );
    const openArgs = { prompt: [1, 2, 3], options: { topK: 2 } };
    await fc.assert(
      fc.asyncProperty(mutation(openArgs, true), async (m) => {
        const args = mutate(openArgs, m) as { prompt: never; options: never } | undefined;
        await refusedOrServed('decoder.open', () =>
          decoder.open(args?.prompt as never, args?.options),
        );
      }),
      runs(30),
    );
    const template = { handle: (await open()).sequence, tokens: [4], options: { topK: 2 } };
    await decoder.closeSequence(template.handle);
    await fc.assert(
      fc.asyncProperty(mutation(template, true), async (m) => {
        const opened = await open();
        const good = { ...template, handle: opened.sequence };
        const args = mutate(good, m) as { handle: never; tokens: never; options: never };
        try {
          await refusedOrServed('decoder.step', () =>
            decoder.step(args?.handle, args?.tokens, args?.options),
          );
        } finally {
          await decoder.closeSequence(opened.sequence);
        }
      }),
      runs(30),
    );
    const proposal = {
      handle: template.handle,
      tokens: [4, 5],
      options: { count: 2, rewind: 1, sampling: { uniforms: [0.3, 0.7], temperature: 1 } },
    };
    await fc.assert(
      fc.asyncProperty(mutation(proposal, true), async (m) => {
        const opened = await open();
        const good = { ...proposal, handle: opened.sequence };
        const args = mutate(good, m) as { handle: never; tokens: never; options: never };
        try {
          await refusedOrServed('decoder.propose', () =>
            decoder.propose(args?.handle, args?.tokens, args?.options),
          );
        } finally {
          await decoder.closeSequence(opened.sequence);
        }
      }),
      runs(30),
    );
    const goodGenerate = { decoders: ['gpt2'], prompt: [1, 2], options: { maxLength: 4 } };
    await fc.assert(
      fc.asyncProperty(mutation(goodGenerate, true), async (m) => {
        const args = mutate(goodGenerate, m) as never as {
          decoders: never;
          prompt: never;
          options: never;
        };
        await refusedOrServed('generate', () =>
          runtime.generate(args?.decoders, args?.prompt, args?.options),
        );
      }),
      runs(30),
    );
  }, 120_000);

  it('spawning and adding actors, supervising and watching them', async () => {
    let n = 0;
    const goodModel = { model: sizedModel({ ...MODEL_SIZES.tiny, seed: 6 }).bytes, replicas: 1 };
    const goodRemote = { url: 'http://127.0.0.1:1/', model: 'm', timeout: 2_000, binary: true };
    const entries = {
      spawnModel: (o: unknown) => runtime.spawnModel(`m${n++}`, o as never),
      spawnCustom: (o: unknown) => runtime.spawnCustom(`c${n++}`, o as never),
      spawnDecoder: (o: unknown) => runtime.spawnDecoder(`d${n++}`, o as never),
      addRemoteModel: (o: unknown) => runtime.addRemoteModel(`r${n++}`, o as never),
      addNatsActor: (o: unknown) => runtime.addNatsActor(`n${n++}`, o as never),
      supervise: (o: unknown) => runtime.supervise(`s${n++}`, o as never),
    };
    const goods: Record<keyof typeof entries, unknown> = {
      spawnModel: goodModel,
      spawnCustom: { module: delay.href, options: { delayMs: 0, factor: 1 }, timeout: 1_000 },
      spawnDecoder: { folder: GPT2_DIR, replicas: 1, budgetBytes: 1 << 20 },
      addRemoteModel: goodRemote,
      addNatsActor: { connection: {}, timeout: 1_000 },
      supervise: { strategy: 'one-for-one', children: ['nobody'], maxRestarts: 1 },
    };
    for (const [entry, call] of Object.entries(entries)) {
      const good = goods[entry as keyof typeof entries];
      await fc.assert(
        fc.asyncProperty(mutation(good), async (m) => {
          await refusedOrServed(entry, () => call(mutate(good, m)));
        }),
        runs(
          entry === 'spawnDecoder' || entry === 'spawnModel' || entry === 'spawnCustom' ? 8 : 20,
        ),
      );
    }
    const goodCreate = {
      workerNice: 5,
      inlineFusionMaxElements: 64,
      pollForAnswers: false,
      arena: { slabSize: 1 << 20, maxBytes: 1 << 22 },
      fusionRestart: { maxRestarts: 1, withinMs: 1_000 },
    };
    await fc.assert(
      fc.asyncProperty(mutation(goodCreate), junk(WIDTH), async (m, grace) => {
        await refusedOrServed('Roundtable.create', async () => {
          const other = await Roundtable.create(mutate(goodCreate, m) as never);
          try {
            await other.close(grace as never);
          } finally {
            await other.close(0);
          }
        });
      }),
      runs(8),
    );
    await fc.assert(
      fc.asyncProperty(junk(WIDTH), junk(WIDTH), async (name, listener) => {
        await refusedOrServed('watch', () => runtime.watch(name as never, listener as never)());
      }),
      runs(20),
    );
  }, 120_000);

  it('the plan builders and parsePlan', async () => {
    const builders = {
      ensemble: [
        ensemble,
        {
          name: 'e',
          models: ['a', 'b'],
          input: 'x',
          output: 'y',
          fusion: { strategy: 'mean', kind: 'logits', weights: [1, 1] },
          quorum: 1,
          deadlineMs: 100,
        },
      ],
      refine: [refine, { name: 'r', models: ['a'], threshold: 0.5 }],
      layers: [
        layers,
        { name: 'l', layers: [['a', 'b']], aggregator: 'c', previousInputs: ['p', 'q'] },
      ],
      decode: [
        decode,
        {
          name: 'd',
          models: [{ actor: 'a' }],
          fusion: { strategy: 'mean' },
          search: { type: 'beam', beamWidth: 2 },
          context: 4,
          endToken: 0,
          maxLength: 4,
        },
      ],
      parsePlan: [parsePlan, goodPlan],
    } as const;
    for (const [entry, [build, good]] of Object.entries(builders)) {
      await fc.assert(
        fc.asyncProperty(mutation(good), async (m) => {
          await refusedOrServed(`${entry}()`, () =>
            (build as (o: unknown) => unknown)(mutate(good, m)),
          );
        }),
        runs(40),
      );
    }
    // The generators above reach every entry, and each refused something.
    for (const entry of [
      'run',
      'model.run',
      'decoder.step',
      'decoder.propose',
      'spawnModel',
      'ensemble()',
    ])
      expect(refusals.get(entry)).toBeGreaterThan(0);
  }, 120_000);
});
