import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { SPEC_EXAMPLE_OUTPUT, specExampleModel } from './fixtures/spec-example-model.js';
import { modelFolder } from './support/oip-serving.js';

const main = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

/** The JSON infer example of the specification (required_api.md), input1 with its 3 elements. */
const specRequest = {
  id: '42',
  inputs: [
    { name: 'input0', shape: [2, 2], datatype: 'UINT32', data: [1, 2, 3, 4] },
    { name: 'input1', shape: [3], datatype: 'BOOL', data: [true, false, true] },
  ],
  outputs: [{ name: 'output0' }],
};

describe('roundtable serve --http', () => {
  it('answers curl with the spec example, and closes on SIGTERM', async () => {
    const dir = modelFolder({ mymodel: specExampleModel() });
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', main, 'serve', '--models', dir, '--http', '0'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    children.push(child);
    let stdout = '';
    let stderr = '';
    child.stderr!.on('data', (chunk) => {
      stderr += chunk;
    });
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout!.on('data', (chunk) => {
        stdout += chunk;
        const found = /at (http:\/\/127\.0\.0\.1:\d+)\/v2/.exec(stdout);
        if (found) resolve(found[1]!);
      });
      child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
    });
    expect(stdout).toMatch(/^serving mymodel over the Open Inference Protocol at /);

    const { stdout: reply } = await promisify(execFile)('curl', [
      '-sS',
      '-X',
      'POST',
      '-H',
      'Content-Type: application/json',
      '-d',
      JSON.stringify(specRequest),
      '-w',
      '\n%{http_code}',
      `${url}/v2/models/mymodel/infer`,
    ]);
    const [body, status] = reply.split('\n');
    expect(status).toBe('200');
    expect(JSON.parse(body!)).toEqual({
      model_name: 'mymodel',
      model_version: '1',
      id: '42',
      outputs: [{ name: 'output0', shape: [3, 2], datatype: 'FP32', data: SPEC_EXAMPLE_OUTPUT }],
    });

    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const [code] = await exited;
    expect(code).toBe(0);
  });
});
