import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = new URL('../', import.meta.url);
const run = promisify(execFile);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');

/**
 * What each program prints, line by line: seeded models and inputs give the same numbers on every
 * run; times (ms) and message numbers are matched by pattern.
 */
const programs: Record<string, readonly (string | RegExp)[]> = {
  'examples/quickstart.ts': [
    'fused probabilities: 0.229 0.041 0.062 0.192 0.057 0.017 0.300 0.015 0.018 0.068',
    /^clf1: \d+\.\d\d ms, weight 0\.5, agreement 0$/,
    /^clf2: \d+\.\d\d ms, weight 0\.25, agreement 1$/,
    /^clf3: \d+\.\d\d ms, weight 0\.25, agreement 1$/,
  ],
  'examples/decode.ts': [
    'greedy 430 448 196 408 8 129 47 154 316 85 (log p -35.25)',
    'beam   497 448 196 475 394 62 452 227 33 131 (log p -35.58)',
    '10 rounds, one per token',
  ],
  'examples/custom-plan.ts': [
    'picked clf4: logits -0.43 0.32 0.35 0.28 -1.60 0.16 2.29 1.27 -0.39 1.42',
    "the scorer says { actor: 'margin', scored: 3 }",
  ],
  'examples/errors.ts': [
    /^ERR_MODEL_LOAD — actor "broken": ONNX Runtime could not load the model \(3 bytes\)/,
    'ERR_FEED — actor "clf": input "features" expects dimension 1 to be 64 [batch, 64], got 63 [1, 63]',
    /^ERR_TIMEOUT — actor "clf": message \d+ timed out after 1 ms/,
  ],
  // tiny-random-gpt2 from ../shared/models, the example's default folder.
  'examples/model-folder.ts': [
    'greedy 0 0 0 52 204 204 204 204 204 204 (log p -38.00)',
    'beam   0 0 0 52 204 204 204 204 204 204 -3.800',
    'beam   0 0 0 52 204 204 204 204 204 460 -3.825',
    'top 3 after 204: 204 460 323',
    'rewound to 4 positions, 10240 bytes of cache held',
  ],
};
const modules = ['examples/actors/margin-scorer.ts'];

describe('every code example in the guide runs', () => {
  it('each TypeScript block of docs/guide.md is one of the example files, word for word', () => {
    const blocks = [...read('docs/guide.md').matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
    const files = [...Object.keys(programs), ...modules];
    // A block that is no file shows up as its first line, so the failure says which one drifted.
    const matched = blocks.map(
      (code) => files.find((file) => read(file) === code) ?? code.split('\n')[0],
    );
    expect([...matched].sort()).toEqual([...files].sort());
  });

  // The examples import the package by name, which resolves to the build (`npm test` builds first).
  for (const [example, expected] of Object.entries(programs)) {
    it(`${example} runs and prints its expected lines`, async () => {
      const { stdout } = await run('npx', ['tsx', example], { cwd: root, timeout: 60_000 });
      const lines = stdout.trimEnd().split('\n');
      expect(lines).toHaveLength(expected.length);
      expected.forEach((line, i) => {
        if (typeof line === 'string') expect(lines[i]).toBe(line);
        else expect(lines[i]).toMatch(line);
      });
    }, 90_000);
  }
});
