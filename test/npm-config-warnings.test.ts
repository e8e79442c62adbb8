import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

/**
 * The newcomer's install is quiet: npm reads the project's configuration (package.json, and an
 * .npmrc if one comes back) without a warning, and the README's promise holds that only
 * better-sqlite3 and esbuild run install scripts (onnxruntime-node's would fetch CUDA binaries
 * from outside the npm registry). A key npm does not know in a project .npmrc prints
 * `npm warn Unknown project config` on every command, which this test sees.
 */

const run = promisify(execFile);
const root = new URL('..', import.meta.url);

describe('npm reads the project configuration without warnings', () => {
  it('prints no warning for a command that reads the project config', async () => {
    const { stdout, stderr } = await run('npm', ['pkg', 'get', 'name', 'allowScripts'], {
      cwd: root,
      env: { ...process.env, NO_UPDATE_NOTIFIER: '1', npm_config_update_notifier: 'false' },
    });
    expect(stderr).not.toMatch(/npm warn/i);
    const got = JSON.parse(stdout) as { name: string; allowScripts: Record<string, boolean> };
    expect(got.name).toBe('roundtable');
    expect(got.allowScripts).toEqual({
      'better-sqlite3': true,
      esbuild: true,
      'onnxruntime-node': false,
      protobufjs: false,
    });
  }, 60_000);
});
