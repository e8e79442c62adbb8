import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArgumentError, RoundtableError } from '../src/errors.js';
import { QualityEstimator } from '../src/mt/qe/quality-estimator.js';
import { SyntheticPair } from '../src/mt/synthetic/synthetic-pair.js';
import { translationModel } from '../src/mt/synthetic/translation-model.js';
import { translationTables } from '../src/mt/synthetic/translation-tables.js';
import { TmActor } from '../src/mt/tm-actor/tm-actor-client.js';
import { WordTokenizer } from '../src/mt/tokenizer/index.js';
import { promptLayout } from '../src/mt/translate/prompt.js';
import { TranslationService } from '../src/mt/translate/translation-service.js';
import { Roundtable } from '../src/runtime/roundtable.js';
import { junk, mutate, mutation } from './support/argument-fuzz.js';

/**
 * The rest of roundtable/mt at the door: the word tokenizer, the synthetic pair, the quality
 * estimator, the translation-memory actor and TranslationService.open. Every wrong argument is a
 * RoundtableError (never a TypeError or RangeError from inside); afterwards the entry serves a good
 * request with the same answer, and the runtime's arena holds nothing.
 */

const SEED = 20_261_205;
const runs = (numRuns: number) => ({ seed: SEED, numRuns, endOnFailure: true });
const CONTEXT = 80;
const pair = SyntheticPair.create({ seed: 4 });
const { tokenizer } = pair;
const layout = promptLayout(tokenizer);
const qeModel = translationModel({
  pair,
  tables: translationTables(pair),
  seed: 9,
  noise: 0.15,
  sharedNoise: 0.1,
  noiseRows: 64,
});
const sentence = pair.sample('test', 1)[0]!;
const source = tokenizer.encode(sentence.source);
const target = tokenizer.encode(sentence.target);

let runtime: Roundtable;
let qe: QualityEstimator;
let tm: TmActor;
let goodScore: number;

beforeAll(async () => {
  runtime = await Roundtable.create();
  [qe, tm] = await Promise.all([
    QualityEstimator.create(runtime, { model: qeModel.bytes, layout, context: CONTEXT }),
    TmActor.spawn(runtime, 'tm', { path: ':memory:', from: 'qsx', to: 'qtx' }),
  ]);
  await tm.addMany([sentence]);
  goodScore = (await qe.score(source, [target]))[0]!.mean;
}, 120_000);

afterAll(async () => {
  await runtime?.close(0);
});

/** Runs `call`; a refusal must be a RoundtableError; then the estimator and the memory serve. */
async function refusedOrServed(entry: string, call: () => unknown): Promise<unknown> {
  let outcome: unknown;
  try {
    outcome = await call();
  } catch (error) {
    if (!(error instanceof RoundtableError))
      throw new Error(
        `${entry} refused with ${(error as Error)?.name}: ${(error as Error)?.message}`,
      );
  }
  expect((await qe.score(source, [target]))[0]!.mean).toBe(goodScore);
  expect((await tm.lookup(sentence.source)).kind).toBe('exact');
  expect(runtime.arena.stats().bytesInUse).toBe(0);
  return outcome;
}

/** Synchronous entries: a refusal must be a RoundtableError; the good call answers as before. */
function refusedOrAnswered(entry: string, call: () => unknown, good: () => void): void {
  try {
    call();
  } catch (error) {
    if (!(error instanceof RoundtableError))
      throw new Error(
        `${entry} refused with ${(error as Error)?.name}: ${(error as Error)?.message}`,
      );
  }
  good();
}

function named(call: () => unknown, argument: string): Promise<void> {
  return Promise.resolve()
    .then(call)
    .then(
      () => expect.fail(`expected an ArgumentError naming ${argument}`),
      (error: unknown) => {
        expect(error).toBeInstanceOf(ArgumentError);
        expect((error as ArgumentError).argument).toBe(argument);
      },
    );
}

describe('roundtable/mt: the tokenizer and the synthetic pair', () => {
  const vocabulary = tokenizer.toJSON();
  const encoded = tokenizer.encode(sentence.source);
  const good = () => {
    expect(tokenizer.encode(sentence.source)).toEqual(encoded);
    expect(tokenizer.decode(encoded)).toBe(sentence.source);
  };

  it('WordTokenizer: fromVocabulary, encode, decode', () => {
    const small = {
      type: 'word',
      tokens: ['<pad>', '<s>', '</s>', '<unk>', 'a', '<sep>'],
      special: { pad: '<pad>', bos: '<s>', eos: '</s>', unk: '<unk>' },
      controls: ['<sep>'],
    };
    fc.assert(
      fc.property(mutation(small), (m) =>
        refusedOrAnswered(
          'fromVocabulary',
          () => WordTokenizer.fromVocabulary(mutate(small, m) as never),
          good,
        ),
      ),
      runs(200),
    );
    fc.assert(
      fc.property(junk(), (text) =>
        refusedOrAnswered('encode', () => tokenizer.encode(text as never), good),
      ),
      runs(80),
    );
    fc.assert(
      fc.property(mutation([4, 5, 6]), (m) =>
        refusedOrAnswered('decode', () => tokenizer.decode(mutate([4, 5, 6], m) as never), good),
      ),
      runs(120),
    );
    expect(vocabulary.type).toBe('word');
  });

  it('SyntheticPair: create, trees, sample', () => {
    const sample = pair.sample('dev', 3);
    const same = () => expect(pair.sample('dev', 3)).toEqual(sample);
    const goodOptions = { seed: 4, sizes: { nouns: 20, adjectives: 5 } };
    fc.assert(
      fc.property(mutation(goodOptions), (m) =>
        refusedOrAnswered(
          'SyntheticPair.create',
          () => SyntheticPair.create(mutate(goodOptions, m) as never),
          same,
        ),
      ),
      runs(150),
    );
    const args = { split: 'dev', count: 2 };
    fc.assert(
      fc.property(mutation(args), fc.boolean(), (m, trees) => {
        let split: unknown;
        let count: unknown;
        try {
          ({ split, count } = mutate(args, m) as typeof args);
        } catch {
          // a getter on the test's own bundle: the argument is left out
        }
        refusedOrAnswered(
          trees ? 'trees' : 'sample',
          () =>
            trees
              ? pair.trees(split as never, count as never)
              : pair.sample(split as never, count as never),
          same,
        );
      }),
      runs(150),
    );
  });
});

describe('roundtable/mt: the quality estimator, the memory actor and the service', () => {
  it('QualityEstimator: create, score, calibrate', async () => {
    const goodArgs = { source, candidates: [target, target.slice(1)] };
    await fc.assert(
      fc.asyncProperty(mutation(goodArgs, true), async (m) => {
        let a: Partial<typeof goodArgs> = {};
        try {
          const mutated = mutate(goodArgs, m) as typeof goodArgs;
          a = { source: mutated?.source, candidates: mutated?.candidates };
        } catch {
          // a getter on the test's own bundle
        }
        await refusedOrServed('qe.score', () => qe.score(a.source as never, a.candidates as never));
      }),
      runs(60),
    );
    const goodOptions = {
      model: qeModel.bytes,
      layout,
      context: CONTEXT,
      name: 'qe2',
      temperature: 0.5,
    };
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('model', 'layout', 'context', 'temperature', 'name', 'runtime'),
        junk(),
        async (field, wrong) => {
          // A junk name may be a good one: each good create gets names of its own.
          const options = { ...goodOptions, name: `qe-${Math.random()}`, [field]: wrong };
          await refusedOrServed('QualityEstimator.create', () =>
            QualityEstimator.create(
              (field === 'runtime' ? wrong : runtime) as never,
              options as never,
            ),
          );
        },
      ),
      runs(40),
    );
    await fc.assert(
      fc.asyncProperty(junk(), fc.boolean(), async (wrong, tokenizerWrong) => {
        await refusedOrServed('qe.calibrate', () =>
          tokenizerWrong
            ? qe.calibrate(wrong as never, [sentence])
            : qe.calibrate(tokenizer, wrong as never),
        );
      }),
      runs(30),
    );
  }, 300_000);

  it('TmActor: spawn, lookup, store, addMany', async () => {
    const goodOptions = { path: ':memory:', from: 'qsx', to: 'qtx', min: 75 };
    let spawned = 0;
    await fc.assert(
      fc.asyncProperty(mutation(goodOptions), async (m) => {
        const created = await refusedOrServed('TmActor.spawn', () =>
          TmActor.spawn(runtime, `tm-${spawned++}`, mutate(goodOptions, m) as never),
        );
        await (created as TmActor | undefined)?.close();
      }),
      runs(30),
    );
    const offer = { source: 'a b', target: 'c d', qe: -1, creator: 'me' };
    await fc.assert(
      fc.asyncProperty(mutation(offer), junk(), async (m, wrong) => {
        await refusedOrServed('tm.store', () => tm.store(mutate(offer, m) as never));
        await refusedOrServed('tm.lookup', () => tm.lookup(wrong as never));
        await refusedOrServed('tm.addMany', () => tm.addMany(wrong as never));
      }),
      runs(40),
    );
  }, 300_000);

  it('TranslationService.open: wrong options are RoundtableErrors', async () => {
    const goodOptions = {
      plan: 'no-such-plan.json',
      from: 'qsx',
      to: 'qtx',
      tm: ':memory:',
      method: 'single',
    };
    await fc.assert(
      fc.asyncProperty(mutation(goodOptions), async (m) => {
        await refusedOrServed('TranslationService.open', () =>
          TranslationService.open(mutate(goodOptions, m) as never),
        );
      }),
      runs(80),
    );
  }, 120_000);

  it('each wrong argument is named', async () => {
    await named(
      () => WordTokenizer.fromVocabulary({ type: 'word', tokens: 'abc' } as never),
      'vocabulary.tokens',
    );
    await named(() => tokenizer.encode(5 as never), 'text');
    await named(() => tokenizer.decode([1, Number.NaN]), 'ids[1]');
    await named(
      () => SyntheticPair.create({ seed: 1, sizes: { nouns: 2 ** 40 } }),
      'options.sizes.nouns',
    );
    await named(() => pair.sample('dev', -1), 'count');
    await named(() => pair.trees(5 as never, 1), 'split');
    await named(() => qe.score(source, [[1, -2]]), 'candidates[0][1]');
    await named(() => qe.score('abc' as never, [target]), 'source');
    await named(
      () => QualityEstimator.create(runtime, { model: qeModel.bytes, layout, context: 0 }),
      'options.context',
    );
    await named(
      () =>
        QualityEstimator.create(runtime, { model: qeModel.bytes, layout: {} as never, context: 8 }),
      'options.layout.bos',
    );
    await named(
      () => TmActor.spawn(runtime, 'x', { path: ':memory:', from: 'qsx', to: 'qtx', min: 101 }),
      'options.min',
    );
    await named(() => tm.store({ source: 'a', target: 5 } as never), 'offer.target');
    await named(() => tm.lookup(null as never), 'text');
    await named(() => tm.addMany([{ source: 'a' }] as never), 'pairs[0].target');
    await named(
      () =>
        TranslationService.open({
          plan: 'p.json',
          from: 'qsx',
          to: 'qtx',
          method: 'best' as never,
        }),
      'options.method',
    );
    await named(
      () => TranslationService.open({ plan: '', from: 'qsx', to: 'qtx' }),
      'options.plan',
    );
  });
});
