import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerLearn } from '../src/cli/commands/learn.js';
import { applyCascadeThresholds, loadCascadeThresholds } from '../src/learn/index.js';
import { corpusChrf } from '../src/mt/metrics/index.js';
import { cascade } from '../src/plans/builders.js';

/** Segments where the cheap stage is right when its score is high, and the costly one always is. */
const segments = Array.from({ length: 40 }, (_, i) => {
  const reference = `the word ${i} goes here and stays`;
  const score = (i % 10) / 10;
  const cheap = score >= 0.5 ? reference : `a wrong ${i} went there`;
  return { reference, score, cheap };
});

async function learn(dir: string, target: number, out: string): Promise<string> {
  const printed: string[] = [];
  const program = new Command()
    .exitOverride()
    .configureOutput({ writeOut: (text) => printed.push(text), writeErr: () => {} });
  registerLearn(program);
  await program.parseAsync(
    [
      'learn',
      '--cascade',
      '--data',
      join(dir, 'set.jsonl'),
      '--target-chrf',
      String(target),
      '--models',
      'small,large',
      '--out',
      join(dir, out),
    ],
    { from: 'user' },
  );
  return printed.join('');
}

describe('roundtable learn --cascade', () => {
  it('writes thresholds that reach the target chrF on the set, which a cascade plan takes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'roundtable-learn-cascade-'));
    const lines = segments.map((s) =>
      JSON.stringify({
        reference: s.reference,
        stages: [
          { hypothesis: s.cheap, score: s.score, cost: 1 },
          { hypothesis: s.reference, cost: 10 },
        ],
      }),
    );
    writeFileSync(join(dir, 'set.jsonl'), `${lines.join('\n')}\n`);
    const printed = await learn(dir, 99.9, 'strict.json');
    expect(printed).toMatch(/small\s+stop at score ≥ 0\.5/);
    const strict = await loadCascadeThresholds(join(dir, 'strict.json'));
    expect(strict.models).toEqual(['small', 'large']);
    // Independently: the answers these thresholds pick, scored with corpus chrF.
    const picked = segments.map((s) => (s.score >= strict.thresholds[0]! ? s.cheap : s.reference));
    expect(corpusChrf(picked, [segments.map((s) => s.reference)]).score).toBeGreaterThanOrEqual(
      99.9,
    );
    expect(strict.fitted.reached).toEqual([40, 20]);

    await learn(dir, 60, 'loose.json');
    const loose = await loadCascadeThresholds(join(dir, 'loose.json'));
    expect(loose.fitted.reached[1]).toBeLessThan(strict.fitted.reached[1]!);

    const plan = cascade({
      name: 'p',
      models: ['small', 'large'],
      thresholds: [0],
      input: 'x',
      output: 'y',
      scorer: { type: 'max-probability' },
    });
    expect(applyCascadeThresholds(plan, strict).stages[0]!.threshold).toBe(strict.thresholds[0]);
  });

  it('refuses a segment whose stage has no score, naming the line and the field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'roundtable-learn-cascade-'));
    writeFileSync(
      join(dir, 'set.jsonl'),
      `${JSON.stringify({ reference: 'a b', stages: [{ hypothesis: 'a' }, { hypothesis: 'a b' }] })}\n`,
    );
    await expect(learn(dir, 50, 'out.json')).rejects.toThrow(
      /set\.jsonl:1 field "stages\[0\]\.score": expected a number/,
    );
  });
});
