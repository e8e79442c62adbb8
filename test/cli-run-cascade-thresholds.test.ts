import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../src/cli/cli-error.js';
import { ESCALATE_ALL, saveCascadeThresholds } from '../src/learn/index.js';
import { classifier } from '../src/models/index.js';
import { cascade, ensemble } from '../src/plans/builders.js';
import { cli } from './support/cli.js';

const fitted = {
  metric: 'mean' as const,
  target: 0.9,
  quality: 0.95,
  cost: 3,
  reached: [3, 3],
  segments: 3,
};

function setUp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'roundtable-cli-cascade-'));
  for (const seed of [1, 2])
    writeFileSync(
      join(dir, `c${seed}.onnx`),
      classifier({ seed, inputSize: 4, hidden: 8, classes: 3 }).bytes,
    );
  const rows = [
    [0.1, 0.2, 0.3, 0.4],
    [1, -1, 1, -1],
    [0, 0, 0, 0],
  ];
  const lines = rows.map((data) =>
    JSON.stringify({ features: { dtype: 'float32', dims: [1, 4], data } }),
  );
  writeFileSync(join(dir, 'in.jsonl'), `${lines.join('\n')}\n`);
  // Threshold 0: a top-class probability is never below it, so every row stops at the first stage.
  const plan = {
    ...cascade({
      name: 'cheap first',
      models: ['small', 'large'],
      thresholds: [0],
      input: 'features',
      output: 'logits',
      scorer: { type: 'max-probability' },
    }),
    actors: { small: { model: 'c1.onnx' }, large: { model: 'c2.onnx' } },
  };
  writeFileSync(join(dir, 'plan.json'), JSON.stringify(plan));
  return dir;
}

function answeredBy(dir: string): string[] {
  return readFileSync(join(dir, 'out.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l).trace.segments[0].actor);
}

const run = (dir: string, ...more: string[]) =>
  cli(
    'run',
    join(dir, 'plan.json'),
    '--input',
    join(dir, 'in.jsonl'),
    '--out',
    join(dir, 'out.jsonl'),
    '--trace',
    ...more,
  );

describe('roundtable run --thresholds', () => {
  it("runs a cascade plan with the thresholds of a `learn --cascade` file instead of the plan's", async () => {
    const dir = setUp();
    const plain = await run(dir);
    expect(plain.code).toBe(0);
    expect(answeredBy(dir)).toEqual(['small', 'small', 'small']);

    await saveCascadeThresholds(join(dir, 'thresholds.json'), {
      models: ['small', 'large'],
      scorer: { type: 'max-probability' },
      thresholds: [ESCALATE_ALL],
      fitted,
    });
    const learnt = await run(dir, '--thresholds', join(dir, 'thresholds.json'));
    expect(learnt.code).toBe(0);
    expect(answeredBy(dir)).toEqual(['large', 'large', 'large']);
  }, 60_000);

  it('refuses thresholds learnt for other stages, and a plan that is not a cascade', async () => {
    const dir = setUp();
    await saveCascadeThresholds(join(dir, 'other.json'), {
      models: ['large', 'small'],
      scorer: { type: 'max-probability' },
      thresholds: [0.5],
      fitted,
    });
    const other = await run(dir, '--thresholds', join(dir, 'other.json'));
    expect(other.code).not.toBe(0);
    expect(other.err).toMatch(
      /its stages are small, large; the thresholds were learnt for large, small/,
    );

    writeFileSync(
      join(dir, 'plan.json'),
      JSON.stringify({
        ...ensemble({
          name: 'both',
          models: ['small', 'large'],
          input: 'features',
          output: 'logits',
          fusion: { strategy: 'mean' },
        }),
        actors: { small: { model: 'c1.onnx' }, large: { model: 'c2.onnx' } },
      }),
    );
    const notCascade = await run(dir, '--thresholds', join(dir, 'other.json'));
    expect(notCascade.code).toBe(EXIT_CODES.usage);
    expect(notCascade.err).toMatch(
      /--thresholds applies to a cascade plan; plan "both" is a rounds plan/,
    );
  }, 60_000);

  it('refuses thresholds learnt for another scorer, naming both; a version 1 file (no scorer recorded) still applies', async () => {
    const dir = setUp();
    await saveCascadeThresholds(join(dir, 'other-scorer.json'), {
      models: ['small', 'large'],
      scorer: { type: 'mean-logprob' },
      thresholds: [ESCALATE_ALL],
      fitted,
    });
    const other = await run(dir, '--thresholds', join(dir, 'other-scorer.json'));
    expect(other.code).not.toBe(0);
    expect(other.err).toMatch(
      /its scorer is \{"type":"max-probability","kind":"logits"\}; the thresholds were learnt for the scorer \{"type":"mean-logprob","kind":"logits"\}/,
    );

    // Written before the file recorded its scorer: read, applied without the check.
    writeFileSync(
      join(dir, 'version1.json'),
      JSON.stringify({
        format: 'roundtable.cascade-thresholds',
        version: 1,
        models: ['small', 'large'],
        thresholds: [ESCALATE_ALL],
        fitted,
      }),
    );
    const old = await run(dir, '--thresholds', join(dir, 'version1.json'));
    expect(old.code).toBe(0);
    expect(answeredBy(dir)).toEqual(['large', 'large', 'large']);
  }, 60_000);
});
