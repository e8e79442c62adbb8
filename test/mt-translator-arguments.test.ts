import { describe, expect, it } from 'vitest';
import { ArgumentError } from '../src/errors.js';
import { Translator } from '../src/mt/translate/translator.js';
import type { TranslatorOptions } from '../src/mt/translate/translator-types.js';

/**
 * The translator's arguments are checked at the door: a wrong one is an ArgumentError naming it,
 * before any actor is asked (the runtime and tokenizer here are stand-ins that fail if used).
 */
const unused = new Proxy(
  {},
  {
    get(_target, key) {
      if (key === 'then') return undefined;
      throw new Error(`used: ${String(key)}`);
    },
  },
);
const good = {
  runtime: unused,
  tokenizer: unused,
  layout: { bos: 1, sep: 2, hint: 3, pad: 0, eos: 4 },
  context: 8,
  maxLength: 4,
  engines: ['a', 'b'],
} as unknown as TranslatorOptions;

function refusal(call: () => unknown): unknown {
  try {
    call();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('Translator arguments', () => {
  it.each([
    [{ engines: [] }, 'options.engines'],
    [{ engines: ['a', 7] }, 'options.engines[1]'],
    [{ context: 0 }, 'options.context'],
    [{ beamWidth: 1.5 }, 'options.beamWidth'],
    [{ fusion: { weights: [1] } }, 'options.fusion'],
    [{ fusion: { weights: [1, Number.NaN] } }, 'options.fusion.weights[1]'],
    [{ cascade: { engines: [0, 1], thresholds: [] } }, 'options.cascade'],
    [{ hint: { actor: 'h' } }, 'options.hint.weight'],
    [{ refine: null }, 'options.refine'],
  ])('new Translator(%j) is refused as %s', (change, argument) => {
    const error = refusal(() => new Translator({ ...good, ...change } as never));
    expect(error).toBeInstanceOf(ArgumentError);
    expect(error).toMatchObject({ argument });
  });

  it('translate and translateEvery refuse a wrong text, method or option before any work', async () => {
    const translator = new Translator(good);
    const cases: [() => Promise<unknown>, string][] = [
      [() => translator.translate(3 as never, 'single'), 'text'],
      [() => translator.translate('a b', 'engine:2' as never), 'method'],
      [() => translator.translate('a b', 'best' as never), 'method'],
      [
        () => translator.translate('a b', 'single', { storeAtLeast: Number.NaN }),
        'options.storeAtLeast',
      ],
      [() => translator.translate('a b', 'single', { useTm: 'yes' as never }), 'options.useTm'],
      [() => translator.translateEvery('a b', ['single', 'mbr', 'x' as never]), 'methods[2]'],
      [() => translator.translateEvery('a b', 'single' as never), 'methods'],
    ];
    for (const [call, argument] of cases) {
      const error = await call().catch((e: unknown) => e);
      expect(error, argument).toBeInstanceOf(ArgumentError);
      expect(error, argument).toMatchObject({ argument });
    }
  });
});
