import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = new URL('../', import.meta.url);
const run = promisify(execFile);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');

const programs = [
  'examples/quickstart.ts',
  'examples/decode.ts',
  'examples/custom-plan.ts',
  'examples/errors.ts',
  'examples/model-folder.ts',
];
const modules = ['examples/actors/margin-scorer.ts'];

describe('every code example in the guide runs', () => {
  it('each TypeScript block of docs/guide.md is one of the example files, word for word', () => {
    const blocks = [...read('docs/guide.md').matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
    const files = [...programs, ...modules];
    // A block that is no file shows up as its first line, so the failure says which one drifted.
    const matched = blocks.map(
      (code) => files.find((file) => read(file) === code) ?? code.split('\n')[0],
    );
    expect([...matched].sort()).toEqual([...files].sort());
  });

  // The examples import the package by name, which resolves to the build (`npm test` builds first).
  for (const example of programs) {
    it(`${example} runs and prints`, async () => {
      const { stdout } = await run('npx', ['tsx', example], { cwd: root, timeout: 60_000 });
      expect(stdout.trim().length).toBeGreaterThan(0);
    }, 90_000);
  }
});
