import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../src/cli/cli-error.js';
import { classifier } from '../src/models/index.js';
import { ensemble } from '../src/plans/builders.js';
import { Roundtable } from '../src/runtime/roundtable.js';
import { cli } from './support/cli.js';

describe('roundtable run', () => {
  it('runs a plan file on every input line, in order, and gives the same numbers as the API', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'roundtable-cli-'));
    for (const seed of [1, 2])
      writeFileSync(
        join(dir, `c${seed}.onnx`),
        classifier({ seed, inputSize: 4, hidden: 8, classes: 3 }).bytes,
      );
    const plan = {
      ...ensemble({
        name: 'cli',
        models: ['a', 'b'],
        input: 'features',
        output: 'logits',
        fusion: { strategy: 'mean' },
      }),
      actors: { a: { model: 'c1.onnx' }, b: { model: 'c2.onnx' } },
    };
    writeFileSync(join(dir, 'plan.json'), JSON.stringify(plan));
    const rows = [
      [0.1, 0.2, 0.3, 0.4],
      [1, -1, 1, -1],
      [0, 0, 0, 0],
    ];
    const lines = rows.map((data) =>
      JSON.stringify({ features: { dtype: 'float32', dims: [1, 4], data } }),
    );
    lines.splice(
      1,
      0,
      '{"features": {"dtype": "float32", "dims": [1, 5], "data": [1, 2, 3, 4, 5]}}',
    );
    writeFileSync(join(dir, 'in.jsonl'), `${lines.join('\n')}\n`);

    const run = await cli(
      'run',
      join(dir, 'plan.json'),
      '--input',
      join(dir, 'in.jsonl'),
      '--out',
      join(dir, 'out.jsonl'),
      '--trace',
    );
    // The model refused the feed: a runtime failure of one line, the others are written.
    expect(run.code).toBe(EXIT_CODES.runtime);

    const out = readFileSync(join(dir, 'out.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(out).toHaveLength(4);
    // The round reports the failed step; the feed error's own message says what was wrong.
    expect(out[1].error.code).toBe('ERR_ROUND');
    expect(out[1].error.message).toMatch(/expects dimension 1 to be 4/);
    expect(run.err).toMatch(/cli: 4 lines, 1 failed/);

    const runtime = await Roundtable.create();
    try {
      await runtime.spawnModel('a', { model: join(dir, 'c1.onnx') });
      await runtime.spawnModel('b', { model: join(dir, 'c2.onnx') });
      const expected = await Promise.all(
        rows.map((data) =>
          runtime.run(plan, {
            features: { dtype: 'float32', dims: [1, 4], data: new Float32Array(data) },
          }),
        ),
      );
      const good = [out[0], out[2], out[3]];
      good.forEach((line, i) => {
        expect(line.outputs.fused.dims).toEqual([1, 3]);
        expect(line.outputs.fused.data).toEqual(
          Array.from(expected[i]!.outputs.fused!.data as Float32Array),
        );
        expect(line.trace.rounds[0].steps.map((s: { actor: string }) => s.actor)).toEqual([
          'a',
          'b',
        ]);
      });
    } finally {
      await runtime.close();
    }
  });
});
