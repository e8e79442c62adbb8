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

/** A fresh folder holding `set.jsonl`, one line a segment. */
function labelledSet(segments: readonly unknown[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'roundtable-learn-cascade-'));
  writeFileSync(join(dir, 'set.jsonl'), `${segments.map((s) => JSON.stringify(s)).join('\n')}\n`);
  return dir;
}

async function learn(
  dir: string,
  target: number,
  out: string,
  scoring: readonly string[] = ['--scorer', '{"type":"max-probability"}'],
): Promise<string> {
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
      ...scoring,
    ],
    { from: 'user' },
  );
  return printed.join('');
}

describe('roundtable learn --cascade', () => {
  it('writes thresholds that reach the target chrF on the set, which a cascade plan takes', async () => {
    const dir = labelledSet(
      segments.map((s) => ({
        reference: s.reference,
        stages: [
          { hypothesis: s.cheap, score: s.score, cost: 1 },
          { hypothesis: s.reference, cost: 10 },
        ],
      })),
    );
    const printed = await learn(dir, 99.9, 'strict.json');
    expect(printed).toMatch(/small\s+stop at score ≥ 0\.5/);
    const strict = await loadCascadeThresholds(join(dir, 'strict.json'));
    expect(strict.models).toEqual(['small', 'large']);
    expect(strict.scorer).toEqual({ type: 'max-probability' });
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
    const dir = labelledSet([
      { reference: 'a b', stages: [{ hypothesis: 'a' }, { hypothesis: 'a b' }] },
    ]);
    await expect(learn(dir, 50, 'out.json')).rejects.toThrow(
      /set\.jsonl:1 field "stages\[0\]\.score": expected a number/,
    );
  });

  it('refuses to learn without naming the scorer, which the file records', async () => {
    const dir = labelledSet(
      segments.map((s) => ({
        reference: s.reference,
        stages: [{ hypothesis: s.cheap, score: s.score }, { hypothesis: s.reference }],
      })),
    );
    await expect(learn(dir, 90, 'none.json', [])).rejects.toThrow(
      /--cascade needs --scorer .* or --signals/,
    );
    await expect(learn(dir, 90, 'bad.json', ['--scorer', 'confidence'])).rejects.toThrow(
      /--scorer: unknown signal "confidence"; expected one of qe, /,
    );
    await learn(dir, 90, 'qe.json', ['--scorer', 'qe']);
    expect((await loadCascadeThresholds(join(dir, 'qe.json'))).scorer).toBe('qe');
  });

  it('fits a logistic combination of the signals named by --signals and writes it into the file as the scorer', async () => {
    // mean-logprob tells when the cheap stage is right; qe here is noise that says nothing.
    const signalsOf = (i: number) => ({
      'mean-logprob': (i % 10) / 10 - 1,
      qe: ((i * 7919) % 13) / 130,
    });
    const dir = labelledSet(
      segments.map((s, i) => ({
        reference: s.reference,
        stages: [
          { hypothesis: s.cheap, signals: signalsOf(i), cost: 1 },
          { hypothesis: s.reference, cost: 10 },
        ],
      })),
    );
    const printed = await learn(dir, 99.9, 'fitted.json', ['--signals', 'mean-logprob,qe']);
    expect(printed).toMatch(/scorer \(fitted: logistic combination of the signals\)/);
    const fit = await loadCascadeThresholds(join(dir, 'fitted.json'));
    const scorer = fit.scorer as { linear: Record<string, number>; bias: number };
    expect(Object.keys(scorer.linear)).toEqual(['mean-logprob', 'qe']);
    expect(scorer.linear['mean-logprob']).toBeGreaterThan(0);
    // Independently: the file's scorer and threshold, applied to each segment's signals.
    const stops = segments.map((_, i) => {
      const x = signalsOf(i);
      const score =
        scorer.bias + scorer.linear['mean-logprob']! * x['mean-logprob'] + scorer.linear.qe! * x.qe;
      return score >= fit.thresholds[0]!;
    });
    const picked = segments.map((s, i) => (stops[i] ? s.cheap : s.reference));
    expect(corpusChrf(picked, [segments.map((s) => s.reference)]).score).toBeGreaterThanOrEqual(
      99.9,
    );
    // The cheapest such setting: exactly the segments the cheap stage got wrong escalate.
    expect(stops).toEqual(segments.map((s) => s.score >= 0.5));
    expect(fit.fitted.reached).toEqual([40, 20]);

    writeFileSync(
      join(dir, 'missing.jsonl'),
      `${JSON.stringify({ reference: 'a b', stages: [{ hypothesis: 'a', signals: { 'mean-logprob': -1 } }, { hypothesis: 'a b' }] })}\n`,
    );
    await expect(
      learn(dir, 50, 'x.json', [
        '--signals',
        'mean-logprob,qe',
        '--data',
        join(dir, 'missing.jsonl'),
      ]),
    ).rejects.toThrow(
      /missing\.jsonl:1 field "stages\[0\]\.signals\.qe": expected a finite number/,
    );
    await expect(learn(dir, 50, 'x.json', ['--signals', 'mean-logprob,bleu'])).rejects.toThrow(
      /--signals: unknown signal "bleu"/,
    );
    await expect(learn(dir, 50, 'x.json', ['--signals', 'qe', '--scorer', 'qe'])).rejects.toThrow(
      /not both/,
    );
  });
});
