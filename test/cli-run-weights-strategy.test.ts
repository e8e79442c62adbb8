import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../src/cli/cli-error.js';
import { saveFusionWeights } from '../src/learn/index.js';
import { classifierFolder, cli, errorLines } from './support/cli.js';

describe('run --weights keeps the strategy the plan fuses by', () => {
  let dir: string;
  beforeAll(() => {
    dir = classifierFolder('mean');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const weights = { weights: [0.7, 0.3], temperatures: [1, 1], models: ['a', 'b'] };

  it('refuses log-linear weights on a mean fusion, naming the file and both strategies', async () => {
    const file = join(dir, 'log-linear.json');
    await saveFusionWeights(file, { strategy: 'log-linear', ...weights });
    const run = await cli(
      'run',
      join(dir, 'plan.json'),
      '--weights',
      file,
      '--input',
      join(dir, 'in.jsonl'),
      '--out',
      join(dir, 'out.jsonl'),
    );
    expect(errorLines(run.err)).toHaveLength(1);
    expect(errorLines(run.err)[0]).toMatch(
      `error: ${file} field "strategy": the weights were learned for 'log-linear' fusion but plan "cli" fuses by 'mean'`,
    );
    expect(run.code).toBe(EXIT_CODES.input);
  });

  it('applies weights learned for the mean: the outputs stay probabilities', async () => {
    const file = join(dir, 'mean.json');
    await saveFusionWeights(file, { strategy: 'weighted-mean', ...weights });
    const out = join(dir, 'weighted.jsonl');
    const run = await cli(
      'run',
      join(dir, 'plan.json'),
      '--weights',
      file,
      '--input',
      join(dir, 'in.jsonl'),
      '--out',
      out,
    );
    expect(run.code).toBe(EXIT_CODES.ok);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(3);
    for (const line of lines) {
      const data: number[] = JSON.parse(line).outputs.fused.data;
      expect(data.every((p) => p >= 0 && p <= 1)).toBe(true);
      expect(data.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    }
  });
});
