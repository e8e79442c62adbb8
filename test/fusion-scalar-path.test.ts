import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createFusionScratch } from '../src/engines/fusion/kernels/index.js';
import { simdCapability } from '../src/engines/fusion/kernels/simd/simd-module.js';

const run = promisify(execFile);
const root = new URL('../', import.meta.url);

/**
 * Runs in a Node without WebAssembly (`--jitless` removes it): what the default scratch takes,
 * the warning that says so, and what asking for SIMD there does.
 */
const probe = `
import { createFusionScratch } from './src/engines/fusion/kernels/index.ts';
const warnings = [];
process.on('warning', (w) => warnings.push({ code: w.code, message: w.message }));
const scratch = createFusionScratch(10, 2);
let asked;
try { createFusionScratch(10, 2, { simd: true }); } catch (e) { asked = { code: e.code, message: e.message }; }
setImmediate(() => console.log(JSON.stringify({ simd: scratch.simd !== null, warnings, asked })));
`;

describe('the scalar fusion path is chosen from the detected capability, and said', () => {
  it('here (Node 20, WebAssembly SIMD) the default scratch takes the SIMD kernels', () => {
    expect(simdCapability()).toEqual({ available: true, reason: 'WebAssembly SIMD' });
    expect(createFusionScratch(10, 2).simd).not.toBeNull();
    expect(createFusionScratch(10, 2, { simd: false }).simd).toBeNull();
  });

  it('without WebAssembly the default is scalar with a warning, and asking for SIMD throws', async () => {
    const { stdout } = await run(
      process.execPath,
      ['--jitless', '--import', 'tsx', '--input-type=module', '--eval', probe],
      { cwd: root, timeout: 60_000 },
    );
    const seen = JSON.parse(stdout.trim().split('\n').at(-1)!);
    expect(seen.simd).toBe(false);
    expect(seen.warnings).toEqual([
      {
        code: 'ROUNDTABLE_SCALAR_FUSION',
        message: 'fusion runs its scalar JavaScript loops: this engine has no WebAssembly',
      },
    ]);
    expect(seen.asked).toEqual({
      code: 'ERR_KERNEL_LOAD',
      message: 'fusion scratch: WebAssembly SIMD was asked for, but this engine has no WebAssembly',
    });
  }, 90_000);
});
