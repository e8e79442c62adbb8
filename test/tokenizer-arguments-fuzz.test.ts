import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ArgumentError, RoundtableError } from '../src/errors.js';
import { Tokenizer } from '../src/tokenizer/index.js';
import { junk, mutate, mutation } from './support/argument-fuzz.js';
import { GPT2_DIR } from './support/gpt2-plain-loop.js';

/**
 * The runtime's Tokenizer (exported by roundtable) at the door: a wrong folder, text, ids or
 * option is a RoundtableError (an ArgumentError naming it, or a TokenizerError for a folder
 * without a tokenizer), never a TypeError or RangeError; the tokenizer answers the good call the
 * same afterwards.
 */

const tokenizer = Tokenizer.fromFolder(GPT2_DIR);
const text = 'Hello there, general Kenobi';
const ids = tokenizer.encode(text);
const decoded = tokenizer.decode(ids);
const runs = (numRuns: number) => ({ seed: 20_261_205, numRuns, endOnFailure: true });

function refusedOrAnswered(entry: string, call: () => unknown): void {
  try {
    call();
  } catch (error) {
    if (!(error instanceof RoundtableError))
      throw new Error(
        `${entry} refused with ${(error as Error)?.name}: ${(error as Error)?.message}`,
      );
  }
  expect(tokenizer.encode(text)).toEqual(ids);
  expect(tokenizer.decode(ids)).toBe(decoded);
}

describe('Tokenizer refuses wrong arguments with RoundtableErrors', () => {
  it('fromFolder, encode and decode under wrong arguments', () => {
    fc.assert(
      fc.property(junk(), (dir) =>
        refusedOrAnswered('fromFolder', () => Tokenizer.fromFolder(dir as never)),
      ),
      runs(60),
    );
    fc.assert(
      fc.property(junk(), junk(), fc.boolean(), (wrongText, wrongOptions, optionsWrong) =>
        refusedOrAnswered('encode', () =>
          optionsWrong
            ? tokenizer.encode(text, { addSpecialTokens: wrongOptions } as never)
            : tokenizer.encode(wrongText as never),
        ),
      ),
      runs(100),
    );
    const good = { ids: [...ids], options: { skipSpecialTokens: true } };
    fc.assert(
      fc.property(mutation(good, true), (m) => {
        let args: Partial<typeof good> = {};
        try {
          const mutated = mutate(good, m) as typeof good;
          args = { ids: mutated?.ids, options: mutated?.options };
        } catch {
          // a getter on the test's own bundle
        }
        refusedOrAnswered('decode', () =>
          tokenizer.decode(args.ids as never, args.options as never),
        );
      }),
      runs(150),
    );
  });

  it('each wrong argument is named', () => {
    const named = (call: () => unknown, argument: string) => {
      let caught: unknown;
      try {
        call();
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(ArgumentError);
      expect((caught as ArgumentError).argument).toBe(argument);
    };
    named(() => Tokenizer.fromFolder(5 as never), 'dir');
    named(() => tokenizer.encode(null as never), 'text');
    named(
      () => tokenizer.encode(text, { addSpecialTokens: 1 as never }),
      'options.addSpecialTokens',
    );
    named(() => tokenizer.decode('abc' as never), 'ids');
    named(() => tokenizer.decode([1, -1]), 'ids[1]');
    named(() => tokenizer.decode([1], null as never), 'options');
  });
});
