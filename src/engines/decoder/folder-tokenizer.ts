import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import type { DecoderFolder } from './model-folder.js';

/** Text to ids and back, with the folder's own tokenizer. */
export interface TextCodec {
  encode(text: string): number[];
  decode(ids: readonly number[]): string;
}

/**
 * The tokenizer a model folder ships (`tokenizer.json`, and `tokenizer_config.json` for special
 * tokens), through the pure-TypeScript `@huggingface/tokenizers`; undefined when the folder has
 * none. Special tokens are added as the tokenizer's own post-processor says and skipped when
 * decoding.
 */
export function folderTokenizer(folder: DecoderFolder): TextCodec | undefined {
  if (!folder.tokenizer) return undefined;
  const json = JSON.parse(readFileSync(folder.tokenizer, 'utf8')) as object;
  const configFile = join(folder.dir, 'tokenizer_config.json');
  const config = existsSync(configFile)
    ? (JSON.parse(readFileSync(configFile, 'utf8')) as object)
    : {};
  const tokenizer = new Tokenizer(json, config);
  return {
    encode: (text) => tokenizer.encode(text).ids,
    decode: (ids) => tokenizer.decode([...ids], { skip_special_tokens: true }),
  };
}
