import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../src/cli/cli-error.js';
import { TmDatabaseError, TranslationMemory } from '../src/mt/tm/index.js';
import { cli, errorLines } from './support/cli.js';

describe('tm export refuses to write onto its own database', () => {
  let dir: string;
  let db: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tm-export-self-'));
    db = join(dir, 'memory.db');
    const memory = TranslationMemory.open(db);
    memory.add({ from: 'en', to: 'de', source: 'Press the red button.', target: 'Drücken Sie.' });
    memory.close();
    symlinkSync(db, join(dir, 'link.tmx'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('by the same path, a relative path and a symlink, and the database stays whole', async () => {
    const before = readFileSync(db);
    for (const out of [db, relative(process.cwd(), db), join(dir, 'link.tmx')]) {
      const run = await cli('tm', 'export', out, '--db', db);
      expect(errorLines(run.err)).toEqual([
        `error: cannot export translation memory ${db} onto itself (${out} is the same file)`,
      ]);
      expect(run.code).toBe(EXIT_CODES.input);
      expect(run.out).toBe('');
    }
    const memory = TranslationMemory.open(db);
    try {
      await expect(memory.exportTmx(db)).rejects.toBeInstanceOf(TmDatabaseError);
      expect(memory.stats().segments).toBe(1);
    } finally {
      memory.close();
    }
    expect(readFileSync(db).equals(before)).toBe(true);
  });
});
