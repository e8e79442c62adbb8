import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Tokenizer } from '../src/tokenizer/index.js';
import { GPT2_FOLDER } from './support/gpt2-folder.js';

interface Golden {
  readonly cases: readonly { readonly text: string; readonly ids: readonly number[] }[];
}

// Ids from Hugging Face's Rust implementation (the one that defines tokenizer.json), on text
// chosen to stress byte-level BPE: Unicode, whitespace runs, emoji with ZWJ, added tokens.
const golden = JSON.parse(
  readFileSync(new URL('./fixtures/gpt2-tokenizer-golden.json', import.meta.url), 'utf8'),
) as Golden;

describe('Tokenizer on the GPT-2 tokenizer.json', () => {
  const tokenizer = Tokenizer.fromFolder(GPT2_FOLDER);

  for (const { text, ids } of golden.cases) {
    it(`encodes ${JSON.stringify(text.slice(0, 30))} to the Rust library's ids and back`, () => {
      expect(tokenizer.encode(text)).toEqual(ids);
      expect(tokenizer.decode(ids, { skipSpecialTokens: false })).toBe(text);
    });
  }
});
