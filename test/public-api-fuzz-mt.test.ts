import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RoundtableError } from '../src/errors.js';
import { mbrSelect } from '../src/mt/mbr/mbr.js';
import { MbrPool } from '../src/mt/mbr/mbr-pool.js';
import {
  chrfPlusPlus,
  computeBleu,
  corpusBleu,
  corpusChrf,
  sentenceBleu,
  sentenceChrf,
} from '../src/mt/metrics/index.js';
import { TranslationMemory } from '../src/mt/tm/index.js';
import { junk, mutate, mutation } from './support/argument-fuzz.js';

/**
 * Wrong arguments of every kind at every place of the translation layer's public arguments
 * (metrics, MBR and its pool, the translation memory): each call either succeeds or is refused
 * with a RoundtableError (never a TypeError or RangeError from inside), and afterwards the same
 * entry still serves a good request with the answer it gave before.
 */

const SEED = 20_261_205;
const runs = (numRuns: number) => ({ seed: SEED, numRuns, endOnFailure: true });
const refusals = new Map<string, number>();

/** Runs `call`; a refusal must be a RoundtableError. Then `served` must still hold. */
async function refusedOrServed(
  entry: string,
  call: () => unknown,
  served: () => unknown,
): Promise<void> {
  try {
    await call();
  } catch (error) {
    if (!(error instanceof RoundtableError)) {
      throw new Error(
        `${entry} refused with ${(error as Error)?.name}: ${(error as Error)?.message}`,
      );
    }
    refusals.set(entry, (refusals.get(entry) ?? 0) + 1);
  }
  await served();
}

const hyps = ['the cat sat on the mat', 'a dog barked'];
const refs = [['the cat sat on a mat', 'a dog barked loudly']];
const bleuOptions = {
  tokenize: '13a',
  smoothMethod: 'floor',
  smoothValue: 0.1,
  maxNgramOrder: 4,
  lowercase: false,
  effectiveOrder: false,
};
const chrfOptions = { charOrder: 6, wordOrder: 0, beta: 2, lowercase: false, whitespace: false };

let memory: TranslationMemory;
let pool: MbrPool;
// exportTmx writes where a string output names: fuzzed names land in this folder, never in the
// folder the tests run from (the prefix keeps a name such as '..' from climbing out).
let scratch: string;
const inScratch = (output: unknown) =>
  typeof output === 'string' && output !== ''
    ? join(scratch, `out-${encodeURIComponent(output)}`)
    : output;
const segment = {
  from: 'en',
  to: 'fr',
  source: 'The printer is out of paper.',
  target: "L'imprimante n'a plus de papier.",
  tuid: 't1',
  changeDate: '2024-01-02T03:04:05Z',
  props: [{ type: 'x-domain', value: 'it' }],
  notes: [{ value: 'checked' }],
};
const lookupOptions = { from: 'en', to: 'fr', min: 50, limit: 5, maxCandidates: 100 };
const goodLookup = () => {
  const matches = memory.lookup('The printer is out of paper.', { from: 'en', to: 'fr' });
  expect(matches[0]!.score).toBe(100);
};

describe('every wrong argument to roundtable/mt is a RoundtableError, and the entry serves on', () => {
  beforeAll(() => {
    memory = TranslationMemory.open(':memory:');
    memory.add(segment);
    pool = MbrPool.create();
    scratch = mkdtempSync(join(tmpdir(), 'roundtable-fuzz-mt-'));
  });

  afterAll(async () => {
    memory?.close();
    await pool?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('the metrics: BLEU and chrF, corpus and sentence, and computeBleu', async () => {
    const bleu = corpusBleu(hyps, refs, bleuOptions as never).score;
    const chrf = corpusChrf(hyps, refs, chrfOptions).score;
    const servedBleu = () => expect(corpusBleu(hyps, refs, bleuOptions as never).score).toBe(bleu);
    const servedChrf = () => expect(corpusChrf(hyps, refs, chrfOptions).score).toBe(chrf);
    const corpus = { hyps, refs, options: bleuOptions };
    for (const [entry, score, served] of [
      ['corpusBleu', corpusBleu, servedBleu],
      ['corpusChrf', corpusChrf, servedChrf],
      ['chrfPlusPlus', chrfPlusPlus, servedChrf],
    ] as const) {
      await fc.assert(
        fc.asyncProperty(mutation(corpus, true), async (m) => {
          const a = mutate(corpus, m) as { hyps: never; refs: never; options: never };
          await refusedOrServed(entry, () => score(a?.hyps, a?.refs, a?.options), served);
        }),
        runs(150),
      );
    }
    const sentence = { hyp: hyps[0], refs: refs[0], options: chrfOptions };
    for (const [entry, score, served] of [
      ['sentenceBleu', sentenceBleu, servedBleu],
      ['sentenceChrf', sentenceChrf, servedChrf],
    ] as const) {
      await fc.assert(
        fc.asyncProperty(mutation(sentence, true), async (m) => {
          const a = mutate(sentence, m) as { hyp: never; refs: never; options: never };
          await refusedOrServed(entry, () => score(a?.hyp, a?.refs, a?.options), served);
        }),
        runs(100),
      );
    }
    const statistics = {
      correct: [5, 3, 2, 1],
      total: [6, 5, 4, 3],
      sysLen: 6,
      refLen: 7,
      options: { smoothMethod: 'exp' },
    };
    await fc.assert(
      fc.asyncProperty(mutation(statistics, true), async (m) => {
        const a = mutate(statistics, m) as Record<string, never>;
        await refusedOrServed(
          'computeBleu',
          () =>
            computeBleu(
              a?.correct as never,
              a?.total as never,
              a?.sysLen as never,
              a?.refLen as never,
              a?.options as never,
            ),
          servedBleu,
        );
      }),
      runs(100),
    );
  }, 120_000);

  it('MBR: mbrSelect and its pool', async () => {
    const candidates = ['a b c', 'a b d', 'a b c'];
    const good = { candidates, options: { weights: [1, 2, 1] } };
    const served = async () => {
      expect(mbrSelect(candidates).index).toBe(0);
      expect((await pool.select(candidates)).index).toBe(0);
    };
    await fc.assert(
      fc.asyncProperty(mutation(good, true), async (m) => {
        const a = mutate(good, m) as { candidates: never; options: never };
        await refusedOrServed('mbrSelect', () => mbrSelect(a?.candidates, a?.options), served);
      }),
      runs(100),
    );
    await fc.assert(
      fc.asyncProperty(mutation(good, true), async (m) => {
        const a = mutate(good, m) as { candidates: never; options: never };
        await refusedOrServed(
          'MbrPool.select',
          () => pool.select(a?.candidates, a?.options),
          served,
        );
      }),
      runs(60),
    );
    await fc.assert(
      fc.asyncProperty(mutation({ threads: 1 }), async (m) => {
        await refusedOrServed(
          'MbrPool.create',
          async () => MbrPool.create(mutate({ threads: 1 }, m) as never).close(),
          served,
        );
      }),
      runs(15),
    );
  }, 120_000);

  it('the translation memory: add, addMany, lookup, exact, analyze, export, import', async () => {
    // Whatever a call stored, the good lookup still finds the one exact match it found before.
    await fc.assert(
      fc.asyncProperty(mutation(segment), async (m) => {
        await refusedOrServed(
          'memory.add',
          () => memory.add(mutate(segment, m) as never),
          goodLookup,
        );
      }),
      runs(150),
    );
    await fc.assert(
      fc.asyncProperty(mutation([segment, segment]), async (m) => {
        await refusedOrServed(
          'memory.addMany',
          () => memory.addMany(mutate([segment, segment], m) as never),
          goodLookup,
        );
      }),
      runs(60),
    );
    const lookup = { text: 'The printer is out of ink.', options: lookupOptions };
    await fc.assert(
      fc.asyncProperty(mutation(lookup, true), async (m) => {
        const a = mutate(lookup, m) as { text: never; options: never };
        await refusedOrServed(
          'memory.lookup',
          () => memory.lookup(a?.text, a?.options),
          goodLookup,
        );
      }),
      runs(150),
    );
    const pair = {
      text: 'The printer is out of paper.',
      from: 'en',
      to: 'fr',
      options: { split: 'lines' },
    };
    await fc.assert(
      fc.asyncProperty(mutation(pair, true), fc.boolean(), async (m, analyse) => {
        const a = mutate(pair, m) as { text: never; from: never; to: never; options: never };
        await refusedOrServed(
          analyse ? 'memory.analyze' : 'memory.exact',
          () =>
            analyse
              ? memory.analyze(a?.text, a?.from, a?.to, a?.options)
              : memory.exact(a?.text, a?.from, a?.to),
          goodLookup,
        );
      }),
      runs(100),
    );
    await fc.assert(
      fc.asyncProperty(junk(), mutation({ from: 'en', to: '*' }), async (output, m) => {
        await refusedOrServed(
          'memory.exportTmx',
          () =>
            memory.exportTmx(
              inScratch(output) as never,
              mutate({ from: 'en', to: '*' }, m) as never,
            ),
          goodLookup,
        );
      }),
      runs(60),
    );
    await fc.assert(
      fc.asyncProperty(junk(), mutation({ batchSize: 10, name: 'x' }), async (input, m) => {
        await refusedOrServed(
          'memory.importTmx',
          () => memory.importTmx(input as never, mutate({ batchSize: 10, name: 'x' }, m) as never),
          goodLookup,
        );
      }),
      runs(60),
    );
    await fc.assert(
      fc.asyncProperty(junk(), async (path) => {
        await refusedOrServed(
          'TranslationMemory.open',
          () => {
            // Only what is not a path: a string here could name a file of this machine.
            if (typeof path === 'string' && path !== '') return;
            TranslationMemory.open(path as never).close();
          },
          goodLookup,
        );
      }),
      runs(40),
    );
    // The generators reach every entry, and each refused something.
    for (const entry of [
      'corpusBleu',
      'sentenceChrf',
      'computeBleu',
      'mbrSelect',
      'MbrPool.select',
      'memory.add',
      'memory.lookup',
      'memory.exportTmx',
      'memory.importTmx',
    ])
      expect(refusals.get(entry), entry).toBeGreaterThan(0);
  }, 120_000);
});
