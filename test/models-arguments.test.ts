import { describe, expect, it } from 'vitest';
import { ArgumentError } from '../src/errors.js';
import {
  bigramModel,
  bigramTable,
  classifier,
  classifierParams,
  generateDemoModels,
  nextTokenModel,
  proposer,
  refiner,
  sizedModel,
  writeDecoderFolder,
  writeDraftTargetPair,
  writeEncoderDecoderFolder,
} from '../src/models/index.js';

/**
 * roundtable/models at the door: a wrong options object, a wrong option or a wrong folder is an
 * ArgumentError naming it (`options`, `options.seed`, `dir`), never a TypeError from inside the
 * builder. Only wrong types and ranges: the sizes a builder accepts are not bounded (see
 * docs/reliability.md), so this is not a fuzz over every integer.
 */

async function named(call: () => unknown, argument: string): Promise<void> {
  const error = await Promise.resolve()
    .then(call)
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  expect(error, `expected an ArgumentError naming ${argument}`).toBeInstanceOf(ArgumentError);
  expect((error as ArgumentError).argument).toBe(argument);
}

const WRONG_OPTIONS = [undefined, null, 5, 'x', [1]];

describe('roundtable/models refuses wrong arguments with ArgumentErrors naming them', () => {
  const builders: [string, (options: never) => unknown][] = [
    ['classifier', classifier],
    ['classifierParams', classifierParams],
    ['nextTokenModel', nextTokenModel],
    ['refiner', refiner],
    ['sizedModel', sizedModel],
    ['proposer', proposer],
    ['bigramModel', bigramModel],
    ['bigramTable', bigramTable],
  ];
  for (const [name, build] of builders) {
    it(`${name}: options that are not an object`, async () => {
      for (const wrong of WRONG_OPTIONS) await named(() => build(wrong as never), 'options');
    });
  }

  it('options of the wrong type or range', async () => {
    await named(() => classifier({ seed: Number.NaN }), 'options.seed');
    await named(() => classifier({ seed: '1' as never }), 'options.seed');
    await named(() => classifier({ seed: 1, hidden: 'big' as never }), 'options.hidden');
    await named(() => nextTokenModel({ seed: 1, vocab: 1.5 }), 'options.vocab');
    await named(() => refiner({ seed: 1, alpha: Number.POSITIVE_INFINITY }), 'options.alpha');
    await named(
      () => bigramModel({ seed: 0, vocab: 2, logits: [1, 2, 3, 4] as never }),
      'options.logits',
    );
  });

  it('the folder writers: a wrong folder or options', async () => {
    await named(() => writeDecoderFolder(5 as never, { seed: 1 }), 'dir');
    await named(() => writeDecoderFolder('', { seed: 1 }), 'dir');
    await named(() => writeDecoderFolder('unused', null as never), 'options');
    await named(
      () => writeDecoderFolder('unused', { seed: 1, width: 10, heads: 4 }),
      'options.width',
    );
    await named(() => writeEncoderDecoderFolder(null as never, { seed: 1 }), 'dir');
    await named(
      () => writeDraftTargetPair('unused', { seed: 1, agreement: 2 } as never),
      'options.agreement',
    );
    await named(() => generateDemoModels(undefined as never), 'dir');
    await named(() => generateDemoModels('unused', { seedBase: 0.5 }), 'options.seedBase');
  });
});
