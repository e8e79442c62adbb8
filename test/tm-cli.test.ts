import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../src/cli/cli-error.js';
import { registerTm } from '../src/cli/commands/tm.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/tmx/${name}`, import.meta.url));

interface Run {
  readonly out: string;
  readonly err: string;
  readonly progress: string;
  readonly error?: CommanderError;
}

/** Runs `roundtable <args>` on a fresh program, capturing stdout, stderr and the progress bar. */
async function run(...args: string[]): Promise<Run> {
  let out = '';
  let err = '';
  let progress = '';
  const program = new Command('roundtable').exitOverride().configureOutput({
    writeOut: (text) => {
      out += text;
    },
    writeErr: (text) => {
      err += text;
    },
  });
  const tty = { isTTY: true, columns: 100, write: (text: string) => (progress += text) };
  registerTm(program, { progress: tty });
  try {
    await program.parseAsync(args, { from: 'user' });
    return { out, err, progress };
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    return { out, err, progress, error };
  }
}

/** `roundtable tm <command> --db <database> --from <from> --to <to> <rest…>` */
function tmPair(command: string, database: string, from: string, to: string, ...rest: string[]) {
  return run('tm', command, '--db', database, '--from', from, '--to', to, ...rest);
}

describe('roundtable tm: import, lookup, export, analyze from the command line', () => {
  let dir: string;
  let db: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tm-cli-'));
    db = join(dir, 'memory.db');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('import prints a summary, with a progress bar on a terminal', async () => {
    const result = await run('tm', 'import', fixture('multilingual.tmx'), '--db', db);
    expect(result.error).toBeUndefined();
    expect(result.out).toMatch(
      /^Imported 10 segments from multilingual\.tmx \(12 units, 0 duplicates, 3 skipped\)/,
    );
    expect(result.out).toContain('  en-US → fr-FR  3\n');
    expect(result.out).toMatch(/line 65: <tuv> without xml:lang left out/);
    expect(result.progress).toMatch(/\rimporting multilingual\.tmx \[#+\] 100% /);
    expect(result.progress.endsWith('\n')).toBe(true);
    expect(existsSync(db)).toBe(true);
  });

  it('lookup --json prints source, target and score, best first', async () => {
    const result = await tmPair(
      'lookup',
      db,
      'en',
      'fr',
      '--json',
      '--min',
      '50',
      'Click here to continue!',
    );
    expect(JSON.parse(result.out)).toEqual([
      { source: 'Click here to continue.', target: 'Cliquez ici pour continuer.', score: 80 },
    ]);
    const text = await tmPair('lookup', db, 'en-US', 'de', 'Welcome to our website.');
    expect(text.out).toBe('100%  Welcome to our website.\n      Willkommen auf unserer Website.\n');
    const none = await tmPair('lookup', db, 'en', 'fr', '--json', 'Nothing like it');
    expect(JSON.parse(none.out)).toEqual([]);
  });

  it('export writes TMX for the chosen pair', async () => {
    const out = join(dir, 'fr.tmx');
    const result = await run('tm', 'export', '--db', db, out, '--from', 'en-US', '--to', 'fr');
    expect(result.out).toMatch(/^Exported 3 segments to .*fr\.tmx \(srclang en-US, /);
    const xml = readFileSync(out, 'utf8');
    expect(xml.match(/<tu /g)).toHaveLength(3);
    expect(xml).toContain('<header creationtool="roundtable"');
  });

  it('analyze prints a table, or JSON', async () => {
    const textFile = join(dir, 'text.txt');
    writeFileSync(
      textFile,
      'Click here to continue.\nClick here to continue.\nBrand new sentence.\n',
    );
    const table = await tmPair('analyze', db, 'en', 'fr', textFile);
    expect(table.out).toMatch(/^Analysis en → fr\n/);
    expect(table.out).toMatch(/Repetitions\s+1\s+4/);
    const json = await tmPair('analyze', db, 'en', 'fr', textFile, '--json');
    const report = JSON.parse(json.out);
    expect(report.rows.find((r: { band: string }) => r.band === '100')).toMatchObject({
      segments: 1,
      words: 4,
    });
    expect(report.rows.find((r: { band: string }) => r.band === 'no-match')).toMatchObject({
      segments: 1,
      words: 3,
    });
  });

  it('fails with the error code and a message on stderr', async () => {
    const missing = await tmPair('lookup', join(dir, 'none.db'), 'en', 'fr', 'x');
    expect(missing.error).toMatchObject({ code: 'ERR_CLI_INPUT', exitCode: EXIT_CODES.input });
    expect(missing.err).toMatch(/none\.db: no such translation memory/);
    expect(existsSync(join(dir, 'none.db'))).toBe(false);

    const malformed = await run(
      'tm',
      'import',
      fixture('malformed.tmx'),
      '--db',
      join(dir, 'm.db'),
    );
    expect(malformed.error).toMatchObject({ code: 'ERR_TMX_PARSE', exitCode: EXIT_CODES.input });
    expect(malformed.err).toMatch(/malformed\.tmx at line 11, column \d+/);

    const noFile = await run('tm', 'import', join(dir, 'absent.tmx'), '--db', join(dir, 'n.db'));
    expect(noFile.error).toMatchObject({ code: 'ERR_CLI_INPUT', exitCode: EXIT_CODES.input });
    expect(existsSync(join(dir, 'n.db'))).toBe(false);

    const exportToDir = await run('tm', 'export', '--db', db, dir);
    expect(exportToDir.error).toMatchObject({
      code: 'ERR_CLI_INPUT',
      exitCode: EXIT_CODES.input,
    });
    expect(exportToDir.err).toMatch(/EISDIR/);

    const badMin = await tmPair('lookup', db, 'en', 'fr', '--min', '120', 'x');
    expect(badMin.error?.code).toBe('commander.invalidArgument');

    const badLang = await tmPair('lookup', db, 'en US', 'fr', 'x');
    expect(badLang.error).toMatchObject({ code: 'ERR_CLI_USAGE', exitCode: EXIT_CODES.usage });
  });
});
