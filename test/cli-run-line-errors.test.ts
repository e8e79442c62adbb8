import { appendFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../src/cli/cli-error.js';
import { classifierFolder, cli, errorLines } from './support/cli.js';

const feed = (data: unknown[]) =>
  JSON.stringify({ features: { dtype: 'float32', dims: [1, 4], data } });

describe('roundtable run: a bad input line is an input error naming its file, line and field', () => {
  let dir: string;
  beforeAll(() => {
    dir = classifierFolder();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reports JSON errors and non-numbers in float data as ERR_CLI_INPUT, and goes on', async () => {
    const input = join(dir, 'bad.jsonl');
    writeFileSync(
      input,
      [feed([1, 2, 3, 4]), '{"features": {', feed([1, 'abc', 3, 4]), feed([0, 0, 0, 0])].join('\n'),
    );
    const out = join(dir, 'out.jsonl');
    const run = await cli('run', join(dir, 'plan.json'), '--input', input, '--out', out);
    const lines = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines).toHaveLength(4);
    expect(lines[0].outputs.fused.dims).toEqual([1, 3]);
    expect(lines[1].error.code).toBe('ERR_CLI_INPUT');
    expect(lines[1].error.message).toMatch(`${input}:2: not JSON`);
    expect(lines[2].error.code).toBe('ERR_CLI_INPUT');
    expect(lines[2].error.message).toMatch(`${input}:3 field "features": data[1] is "abc"`);
    expect(lines[3].outputs.fused.data.every(Number.isFinite)).toBe(true);
    expect(errorLines(run.err)).toEqual([
      `error: 2 of 4 lines of ${input} failed; each failed line of ${out} says why`,
    ]);
    expect(run.code).toBe(EXIT_CODES.input);
  });

  it('stops at a line that is not UTF-8 and names it', async () => {
    const input = join(dir, 'latin1.jsonl');
    writeFileSync(input, `${feed([1, 2, 3, 4])}\n`);
    appendFileSync(input, Buffer.from('{"caf\xe9": 1}\n', 'latin1'));
    const run = await cli(
      'run',
      join(dir, 'plan.json'),
      '--input',
      input,
      '--out',
      join(dir, 'out2.jsonl'),
    );
    expect(errorLines(run.err)).toEqual([`error: ${input}:2: is not valid UTF-8`]);
    expect(run.code).toBe(EXIT_CODES.input);
  });
});
