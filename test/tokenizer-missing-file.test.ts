import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenizerError } from '../src/errors.js';
import { Tokenizer } from '../src/tokenizer/index.js';

describe('Tokenizer.fromFolder on a folder it cannot use', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tokenizer-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('is a TokenizerError naming the folder and the missing file', () => {
    const attempt = () => Tokenizer.fromFolder(dir);
    expect(attempt).toThrow(TokenizerError);
    expect(attempt).toThrow(`model folder ${dir} has no tokenizer.json`);
    try {
      attempt();
    } catch (error) {
      expect((error as TokenizerError).code).toBe('ERR_TOKENIZER');
    }
  });

  it('is a TokenizerError naming the file when tokenizer.json is not JSON', async () => {
    await writeFile(join(dir, 'tokenizer.json'), '{ not json');
    expect(() => Tokenizer.fromFolder(dir)).toThrow(TokenizerError);
    expect(() => Tokenizer.fromFolder(dir)).toThrow(/tokenizer\.json is not valid JSON/);
  });
});
