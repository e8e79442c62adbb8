import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/program.js';
import { classifier } from '../../src/models/index.js';
import { ensemble } from '../../src/plans/builders.js';

export interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** Runs `roundtable <args>` in this process, capturing its stdout and stderr. */
export async function cli(...args: string[]): Promise<CliRun> {
  let out = '';
  let err = '';
  const code = await runCli(args, {
    writeOut: (text) => {
      out += text;
    },
    writeErr: (text) => {
      err += text;
    },
    progress: { isTTY: false, write: () => true },
  });
  return { code, out, err };
}

/** The lines of stderr that report an error. */
export function errorLines(err: string): string[] {
  return err.split('\n').filter((line) => line.startsWith('error:'));
}

/**
 * A folder with two seeded classifiers (4 features, 3 classes), an ensemble plan over them
 * fusing by `strategy`, and a JSONL of three good feed lines.
 */
export function classifierFolder(strategy: 'mean' | 'log-linear' = 'mean'): string {
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
      fusion: { strategy, kind: 'logits' },
    }),
    actors: { a: { model: 'c1.onnx' }, b: { model: 'c2.onnx' } },
  };
  writeFileSync(join(dir, 'plan.json'), JSON.stringify(plan));
  const rows = [
    [0.1, 0.2, 0.3, 0.4],
    [1, -1, 1, -1],
    [0, 0, 0, 0],
  ];
  writeFileSync(
    join(dir, 'in.jsonl'),
    rows
      .map((data) => JSON.stringify({ features: { dtype: 'float32', dims: [1, 4], data } }))
      .join('\n'),
  );
  return dir;
}
