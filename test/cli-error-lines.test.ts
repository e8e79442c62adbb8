import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../src/cli/cli-error.js';
import { ensemble } from '../src/plans/builders.js';
import { type CliRun, cli, errorLines } from './support/cli.js';

/** One `error:` line that says `mentions`, no usage text, no stack, and the class's exit code. */
function expectOneErrorLine(run: CliRun, code: number, ...mentions: (string | RegExp)[]): void {
  const lines = errorLines(run.err);
  expect(lines, run.err).toHaveLength(1);
  for (const mention of mentions) expect(lines[0]).toMatch(mention);
  expect(run.err).not.toMatch(/Usage:|\n\s+at /);
  expect(run.code).toBe(code);
}

describe('every CLI error is one error: line with the exit code of its class', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'roundtable-cli-errors-'));
    writeFileSync(join(dir, 'hyp.txt'), 'a b c\n');
    writeFileSync(join(dir, 'latin1.txt'), Buffer.from([0x61, 0x0a, 0x63, 0x61, 0x66, 0xe9, 0x0a]));
    writeFileSync(
      join(dir, 'plan.json'),
      JSON.stringify(
        ensemble({
          name: 'p',
          models: ['a'],
          input: 'x',
          output: 'y',
          fusion: { strategy: 'mean' },
        }),
      ),
    );
    mkdirSync(join(dir, 'folder'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const usage = EXIT_CODES.usage;
  const input = EXIT_CODES.input;

  it('usage: unknown options, missing ones, values that do not parse', async () => {
    expectOneErrorLine(await cli('run', 'p.json', '--input', 'x', '--out', 'y', '--bogus'), usage);
    expectOneErrorLine(await cli('run', 'p.json', '--out', 'y'), usage, /--input/);
    expectOneErrorLine(
      await cli('run', 'p.json', '--input', 'x', '--out', 'y', '--concurrency', 'abc'),
      usage,
      /--concurrency/,
      /"abc"/,
    );
    expectOneErrorLine(
      await cli('learn', '--data', 'x', '--out', 'y', '--epochs', '0'),
      usage,
      /--epochs/,
    );
    expectOneErrorLine(await cli('models', 'generate', '--seed-base', '-1'), usage, /--seed-base/);
    expectOneErrorLine(await cli('score', '--hyp', 'h', '--ref', 'r', '--metric', 'x'), usage);
    expectOneErrorLine(
      await cli(
        'tm',
        'lookup',
        'x',
        '--db',
        ':memory:',
        '--from',
        'en',
        '--to',
        'de',
        '--limit',
        'z',
      ),
      usage,
      /--limit/,
    );
    expectOneErrorLine(
      await cli('translate', '--plan', 'p', '--from', 'a', '--to', 'b', '--concurrency', '0'),
      usage,
      /--concurrency/,
    );
    expectOneErrorLine(
      await cli('translate', '--plan', 'p', '--from', 'a', '--to', 'b', '--store'),
      usage,
      /--store needs --tm/,
    );
    expectOneErrorLine(await cli('synthetic-pair', '--out', dir, '--seed', 'x'), usage, /--seed/);
    expectOneErrorLine(await cli('nonsense'), usage);
  });

  it('input: missing files, folders, bytes that are not UTF-8, named with the file and line', async () => {
    const plan = join(dir, 'plan.json');
    const missing = join(dir, 'missing.jsonl');
    expectOneErrorLine(
      await cli('run', plan, '--input', missing, '--out', join(dir, 'out.jsonl')),
      input,
      missing,
      /no such file/,
    );
    const nowhere = join(dir, 'no-folder', 'out.jsonl');
    expectOneErrorLine(
      await cli('run', plan, '--input', join(dir, 'hyp.txt'), '--out', nowhere),
      input,
      nowhere,
      /cannot write the output/,
    );
    expectOneErrorLine(
      await cli('run', join(dir, 'latin1.txt'), '--input', 'x', '--out', 'y'),
      input,
      `${join(dir, 'latin1.txt')}:2`,
      /not valid UTF-8/,
    );
    expectOneErrorLine(
      await cli('learn', '--data', missing, '--out', join(dir, 'w.json')),
      input,
      missing,
    );
    expectOneErrorLine(
      await cli('score', '--hyp', join(dir, 'latin1.txt'), '--ref', join(dir, 'hyp.txt')),
      input,
      `${join(dir, 'latin1.txt')}:2`,
    );
    expectOneErrorLine(
      await cli('score', '--hyp', join(dir, 'hyp.txt'), '--ref', missing),
      input,
      missing,
    );
    const folder = join(dir, 'folder');
    expectOneErrorLine(await cli('tm', 'stats', '--db', folder), input, folder, /is a folder/);
    expectOneErrorLine(
      await cli('tm', 'import', join(dir, 'hyp.txt'), '--db', folder),
      input,
      folder,
    );
    expectOneErrorLine(await cli('tm', 'stats', '--db', missing), input, missing);
    expectOneErrorLine(
      await cli('tm', 'import', missing, '--db', join(dir, 'tm.db')),
      input,
      missing,
    );
    expectOneErrorLine(
      await cli(
        'tm',
        'analyze',
        join(dir, 'latin1.txt'),
        '--db',
        ':memory:',
        '--from',
        'en',
        '--to',
        'de',
      ),
      input,
      `${join(dir, 'latin1.txt')}:2`,
    );
    expectOneErrorLine(
      await cli('translate', '--plan', missing, '--from', 'a', '--to', 'b', '--input', missing),
      input,
      missing,
    );
    expectOneErrorLine(
      await cli('translate', '--plan', plan, '--from', 'a', '--to', 'b'),
      input,
      plan,
      /not a translation plan/,
    );
  });
});
