import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../src/cli/cli-error.js';
import { registerScore } from '../src/cli/commands/score.js';

// sacreBLEU's README example; `sacrebleu r1 r2 -i hyp -m bleu chrf -f text` (2.6.0) printed the
// expected lines below.
const HYP = "The dog bit the man.\nIt wasn't surprising.\nThe man had just bitten him.\n";
const REF1 = 'The dog bit the man.\nIt was not unexpected.\nThe man bit him first.\n';
const REF2 = 'The dog had bit the man.\nNo one was surprised.\nThe man had bitten the dog.\n';

let dir: string;
const file = (name: string) => join(dir, name);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'roundtable-score-'));
  writeFileSync(file('hyp.txt'), HYP);
  writeFileSync(file('ref1.txt'), REF1);
  // Windows line ends and no final newline: sacreBLEU strips '\r' with the other trailing space.
  writeFileSync(file('ref2.txt'), REF2.trimEnd().replaceAll('\n', '\r\n'));
  writeFileSync(file('short.txt'), 'The dog bit the man.\n');
  writeFileSync(file('latin1.txt'), Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a, 0x0a, 0x0a]));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function score(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const program = new Command('roundtable')
    .exitOverride()
    .configureOutput({ writeOut: (s) => out.push(s), writeErr: (s) => err.push(s) });
  registerScore(program);
  let error: unknown;
  try {
    await program.parseAsync(['score', ...args], { from: 'user' });
  } catch (caught) {
    error = caught;
  }
  return { out: out.join(''), err: err.join(''), error };
}

describe('roundtable score', () => {
  it('prints BLEU as sacreBLEU --format text does', async () => {
    const { out, error } = await score(
      '--hyp',
      file('hyp.txt'),
      '--ref',
      file('ref1.txt'),
      '--ref',
      file('ref2.txt'),
    );
    expect(error).toBeUndefined();
    expect(out).toBe(
      'BLEU|nrefs:2|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0 = 48.5 82.4/50.0/45.5/37.5 (BP = 0.943 ratio = 0.944 hyp_len = 17 ref_len = 18)\n',
    );
  });

  it('prints chrF and chrF++', async () => {
    const chrf = await score(
      '--metric',
      'chrf',
      '--hyp',
      file('hyp.txt'),
      '--ref',
      file('ref1.txt'),
      '--ref',
      file('ref2.txt'),
    );
    expect(chrf.out).toBe(
      'chrF2|nrefs:2|case:mixed|eff:yes|nc:6|nw:0|space:no|version:2.6.0 = 59.7\n',
    );
    const plus = await score(
      '--metric',
      'chrf++',
      '--hyp',
      file('hyp.txt'),
      '--ref',
      file('ref1.txt'),
    );
    expect(plus.out).toBe(
      'chrF2++|nrefs:1|case:mixed|eff:yes|nc:6|nw:2|space:no|version:2.6.0 = 51.7\n',
    );
  });

  it("prints sacreBLEU's JSON record with --json", async () => {
    const { out } = await score(
      '--json',
      '--hyp',
      file('hyp.txt'),
      '--ref',
      file('ref1.txt'),
      '--ref',
      file('ref2.txt'),
    );
    const record = JSON.parse(out);
    expect(record).toMatchObject({
      name: 'BLEU',
      score: 48.5,
      signature: 'nrefs:2|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0',
      verbose_score: '82.4/50.0/45.5/37.5 (BP = 0.943 ratio = 0.944 hyp_len = 17 ref_len = 18)',
      nrefs: '2',
      tok: '13a',
      version: '2.6.0',
    });
    // test/test_bleu.py in sacreBLEU's repository gives 48.530827 for this corpus.
    expect(Math.abs(record.exact_score - 48.530827)).toBeLessThan(1e-6);
  });

  it('passes the BLEU options through to the signature and the width to the score', async () => {
    const { out } = await score(
      '--hyp',
      file('hyp.txt'),
      '--ref',
      file('ref1.txt'),
      '--tokenize',
      'none',
      '--smooth-method',
      'floor',
      '--smooth-value',
      '0.5',
      '--lowercase',
      '--width',
      '3',
    );
    // sacreBLEU 2.6.0: `sacrebleu ref1 -i hyp --tokenize none --smooth-method floor
    // --smooth-value 0.5 --lowercase -w 3 -f text`
    expect(out).toBe(
      'BLEU|nrefs:1|case:lc|eff:no|tok:none|smooth:floor[0.50]|version:2.6.0 = 44.428 57.1/45.5/37.5/40.0 (BP = 1.000 ratio = 1.000 hyp_len = 14 ref_len = 14)\n',
    );
  });

  it('fails on files that are not line-aligned', async () => {
    const { out, err, error } = await score('--hyp', file('hyp.txt'), '--ref', file('short.txt'));
    expect(out).toBe('');
    expect(error).toBeInstanceOf(CommanderError);
    expect((error as CommanderError).exitCode).toBe(EXIT_CODES.input);
    expect(err).toContain(`error: ${file('short.txt')}: 1 lines but hypothesis file`);
    expect(err).toContain('has 3');
  });

  it('fails on a missing file, naming it', async () => {
    const { err, error } = await score('--hyp', file('missing.txt'), '--ref', file('ref1.txt'));
    expect((error as CommanderError).exitCode).toBe(EXIT_CODES.input);
    expect(err).toBe(
      `error: ${file('missing.txt')}: cannot read the hypothesis file: no such file\n`,
    );
  });

  it('fails on a file that is not UTF-8', async () => {
    const { err, error } = await score('--hyp', file('hyp.txt'), '--ref', file('latin1.txt'));
    expect((error as CommanderError).exitCode).toBe(EXIT_CODES.input);
    expect(err).toMatch(new RegExp(`^error: ${file('latin1.txt')}:\\d+: is not valid UTF-8\n$`));
  });

  it('fails without a reference and on an unknown metric', async () => {
    const noRef = await score('--hyp', file('hyp.txt'));
    expect((noRef.error as CommanderError).exitCode).not.toBe(0);
    expect(noRef.err).toContain("required option '--ref <file>' not specified");
    const unknown = await score(
      '--metric',
      'meteor',
      '--hyp',
      file('hyp.txt'),
      '--ref',
      file('ref1.txt'),
    );
    expect((unknown.error as CommanderError).exitCode).not.toBe(0);
    expect(unknown.err).toContain('meteor');
  });
});
