import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const main = join(root, 'dist', 'cli', 'main.js');
const run = promisify(execFile);

/** The shell block under the README's "Command line" heading, one command a line, comments off. */
function readmeCommands(): string[] {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Command line'));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1];
  if (block === undefined) throw new Error('README.md: no sh block under "## Command line"');
  return block
    .split('\n')
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter((line) => line !== '');
}

describe("the README's command list runs in order from a fresh copy of examples/", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'roundtable-readme-'));
    cpSync(join(root, 'examples'), join(dir, 'examples'), { recursive: true });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('every command exits 0 and leaves what the next one reads', async () => {
    // `npm test` builds dist/ before the tests; the README's own first line does the same.
    expect(existsSync(main), 'run `npm run build` first').toBe(true);
    const commands = readmeCommands();
    expect(commands[0]).toBe('npm run build');
    for (const command of commands.slice(1)) {
      expect(command).toMatch(/^npx roundtable /);
      const shell = command.replace(/^npx roundtable /, `node "${main}" `);
      const result = await run('sh', ['-c', shell], { cwd: dir, maxBuffer: 64 << 20 }).catch(
        (error: { code?: number; stderr?: string }) => error,
      );
      const failed = result as { code?: number; stderr?: string };
      expect(failed.code ?? 0, `${command}\n${failed.stderr ?? ''}`).toBe(0);
    }
    const lines = (file: string) => readFileSync(join(dir, file), 'utf8').trim().split('\n');
    const fused = (line: string): number[] => JSON.parse(line).outputs.fused.data;
    expect(lines('out.jsonl')).toHaveLength(20);
    expect(lines('tokens.jsonl')).toHaveLength(3);
    // Learned for the plan's mean fusion: still probabilities after --weights.
    for (const line of lines('weighted.jsonl'))
      expect(fused(line).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
    expect(lines('pair/test.hyp')).toHaveLength(lines('pair/test.qtx').length);
  }, 180_000);
});
