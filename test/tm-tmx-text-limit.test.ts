import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../src/cli/cli-error.js';
import { TmxLimitError, TranslationMemory } from '../src/mt/tm/index.js';
import { cli, errorLines } from './support/cli.js';

const unit = (source: string, target: string) =>
  `<tu><tuv xml:lang="en"><seg>${source}</seg></tuv><tuv xml:lang="de"><seg>${target}</seg></tuv></tu>\n`;

/** A TMX of one good unit, then one whose English segment is `hugeChars` long (written in pieces). */
async function writeTmx(path: string, hugeChars: number): Promise<void> {
  const out = createWriteStream(path);
  const write = (text: string) =>
    new Promise<void>((resolve, reject) =>
      out.write(text, (error) => (error ? reject(error) : resolve())),
    );
  await write(
    '<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header srclang="en" datatype="plaintext" segtype="sentence" adminlang="en" o-tmf="test" creationtool="test" creationtoolversion="1"/>\n<body>\n',
  );
  await write(unit('Press the red button.', 'Drücken Sie die rote Taste.'));
  await write('<tu><tuv xml:lang="en"><seg>');
  const piece = 'word '.repeat(200_000); // 1 MB
  for (let written = 0; written < hugeChars; written += piece.length) await write(piece);
  await write('</seg></tuv><tuv xml:lang="de"><seg>x</seg></tuv></tu>\n</body></tmx>\n');
  await new Promise<void>((resolve) => out.end(resolve));
}

describe('a TMX segment longer than the limit is refused while streaming', () => {
  let dir: string;
  let tmx: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tmx-limit-'));
    tmx = join(dir, 'huge.tmx');
    await writeTmx(tmx, 20_000_000);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('with a TmxLimitError naming the limit and the line, keeping what came before', async () => {
    const memory = TranslationMemory.open(join(dir, 'api.db'));
    try {
      const error = await memory
        .importTmx(tmx, { maxTextLength: 100_000, batchSize: 1 })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TmxLimitError);
      expect(error).toMatchObject({ limit: 100_000, line: 5, code: 'ERR_TMX_LIMIT' });
      expect((error as Error).message).toMatch(/longer than 100000 characters/);
      expect(memory.stats().segments).toBe(1);
    } finally {
      memory.close();
    }
  });

  it('from the command line, with --max-text-length', async () => {
    const run = await cli(
      'tm',
      'import',
      tmx,
      '--db',
      join(dir, 'cli.db'),
      '--max-text-length',
      '100000',
    );
    const lines = errorLines(run.err);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^error: TMX file huge\.tmx at line 5: text without markup is longer than 100000 characters/,
    );
    expect(lines[0]).toMatch(/--max-text-length/);
    expect(run.code).toBe(EXIT_CODES.input);
  });

  it('and a text under the limit imports', async () => {
    const small = join(dir, 'small.tmx');
    await writeTmx(small, 50_000);
    const memory = TranslationMemory.open(join(dir, 'small.db'));
    try {
      const summary = await memory.importTmx(small, { maxTextLength: 2_000_000 });
      expect(summary.imported).toBe(2);
    } finally {
      memory.close();
    }
  });
});
