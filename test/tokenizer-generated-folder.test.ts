import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SPECIAL_TOKENS,
  vocabularyWord,
  writeDecoderFolder,
  writeEncoderDecoderFolder,
} from '../src/models/decoders/index.js';
import { Tokenizer } from '../src/tokenizer/index.js';

// Generated folders carry a word-level tokenizer.json, so text goes in and comes out.
describe('Tokenizer on generated model folders', () => {
  let root: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'generated-tokenizer-'));
    await writeDecoderFolder(join(root, 'decoder'), { seed: 1, vocab: 40, form: 'merged' });
    await writeEncoderDecoderFolder(join(root, 'seq2seq'), { seed: 1, vocab: 40 });
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  for (const folder of ['decoder', 'seq2seq']) {
    it(`${folder}: every word of the vocabulary is its own id, and text round-trips`, () => {
      const tokenizer = Tokenizer.fromFolder(join(root, folder));
      expect(tokenizer.special).toEqual(SPECIAL_TOKENS);
      expect(tokenizer.vocabSize).toBe(40);
      const ids = Array.from({ length: 36 }, (_, i) => i + 4);
      const text = ids.map(vocabularyWord).join(' ');
      expect(tokenizer.encode(text)).toEqual(ids);
      expect(tokenizer.decode(ids)).toBe(text);
      expect(new Set(ids.map(vocabularyWord)).size).toBe(ids.length);
    });
  }

  it('maps an unknown word to <unk> and skips special tokens when decoding', () => {
    const tokenizer = Tokenizer.fromFolder(join(root, 'decoder'));
    const ids = tokenizer.encode(`${vocabularyWord(9)} zzz ${vocabularyWord(12)}`);
    expect(ids).toEqual([9, SPECIAL_TOKENS.unk, 12]);
    expect(tokenizer.decode([SPECIAL_TOKENS.bos, 9, 12, SPECIAL_TOKENS.eos])).toBe(
      `${vocabularyWord(9)} ${vocabularyWord(12)}`,
    );
  });
});
