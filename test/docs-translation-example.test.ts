import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = new URL('../', import.meta.url);
const run = promisify(execFile);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');

describe('the code example of docs/translation.md runs from roundtable/mt', () => {
  it('its TypeScript block is examples/translate.ts, word for word, importing roundtable/mt', () => {
    const blocks = [...read('docs/translation.md').matchAll(/```ts\n([\s\S]*?)```/g)].map(
      (m) => m[1]!,
    );
    const example = read('examples/translate.ts');
    expect(blocks.filter((code) => code === example)).toHaveLength(1);
    expect(example).toMatch(/from 'roundtable\/mt';/);
  });

  // The example imports the package by name, which resolves to the build (`npm test` builds first).
  it('examples/translate.ts translates the held-out sentences and prints their chrF', async () => {
    const { stdout } = await run('npx', ['tsx', 'examples/translate.ts'], {
      cwd: root,
      timeout: 120_000,
    });
    const chrf = /^chrF (\d+\.\d)$/m.exec(stdout);
    expect(chrf).not.toBeNull();
    expect(Number(chrf![1])).toBeGreaterThan(50);
  }, 180_000);
});
