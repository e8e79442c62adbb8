import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Tokenizer } from '../src/tokenizer/index.js';
import { GPT2_FOLDER } from './support/gpt2-folder.js';

// Special ids come from the model's configs first, then from tokenizer_config.json's tokens.
describe('Tokenizer special tokens', () => {
  let bare: string;

  beforeAll(async () => {
    bare = await mkdtemp(join(tmpdir(), 'tokenizer-'));
    await copyFile(join(GPT2_FOLDER, 'tokenizer.json'), join(bare, 'tokenizer.json'));
    await copyFile(join(GPT2_FOLDER, 'tokenizer_config.json'), join(bare, 'tokenizer_config.json'));
  });
  afterAll(() => rm(bare, { recursive: true, force: true }));

  it("takes the genai_config.json ids over the tokenizer's own", () => {
    const tokenizer = Tokenizer.fromFolder(GPT2_FOLDER);
    expect(tokenizer.special).toEqual({ bos: 98, eos: 98, pad: 98, unk: 50256 });
  });

  it('falls back to tokenizer_config.json tokens looked up in the vocabulary', () => {
    expect(Tokenizer.fromFolder(bare).special).toEqual({ bos: 50256, eos: 50256, unk: 50256 });
  });

  it('reads config.json ids when there is no genai_config.json', async () => {
    await writeFile(
      join(bare, 'config.json'),
      JSON.stringify({ eos_token_id: [7, 8], pad_token_id: 3 }),
    );
    const special = Tokenizer.fromFolder(bare).special;
    await rm(join(bare, 'config.json'));
    expect(special).toEqual({ bos: 50256, eos: 7, pad: 3, unk: 50256 });
  });

  it('leaves special tokens out of decoded text unless asked to keep them', () => {
    const tokenizer = Tokenizer.fromFolder(bare);
    const ids = [50256, ...tokenizer.encode('Hello world'), 50256];
    expect(tokenizer.decode(ids)).toBe('Hello world');
    expect(tokenizer.decode(ids, { skipSpecialTokens: false })).toBe(
      '<|endoftext|>Hello world<|endoftext|>',
    );
  });
});
