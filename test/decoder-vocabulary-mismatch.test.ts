import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { VocabularyMismatchError } from '../src/errors.js';
import { writeDecoderFolder } from '../src/models/decoders/index.js';
import { startRuntime } from './support/runtime.js';

describe('an ensemble of decoders whose vocabularies differ', () => {
  const dirs: string[] = [];
  afterAll(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true }))));

  it('is refused with VocabularyMismatchError naming both decoders and sizes', async () => {
    const runtime = await startRuntime();
    for (const [name, vocab] of [
      ['small', 48],
      ['large', 64],
    ] as const) {
      const dir = await mkdtemp(join(tmpdir(), `roundtable-vocab-${name}-`));
      dirs.push(dir);
      await writeDecoderFolder(dir, { seed: 3, vocab, form: 'merged' });
      await runtime.spawnDecoder(name, { folder: dir });
    }
    const refused = runtime.generate(['small', 'large'], [1, 5, 7], { maxLength: 8 });
    await expect(refused).rejects.toBeInstanceOf(VocabularyMismatchError);
    await expect(refused).rejects.toThrow(
      /decoder "large" has a vocabulary of 64 tokens, decoder "small" one of 48/,
    );
    // Each alone still generates.
    const [alone] = await runtime.generate('small', [1, 5, 7], { maxLength: 8 });
    expect(alone!.ids.slice(0, 3)).toEqual([1, 5, 7]);
  });
});
