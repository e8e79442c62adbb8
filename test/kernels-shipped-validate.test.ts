import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileKernel, KERNEL_SOURCES } from '../scripts/build-kernels.js';
import { simdModule } from '../src/engines/fusion/kernels/simd/simd-module.js';
import { webAssembly } from '../src/engines/fusion/kernels/simd/wasm-api.js';

const root = new URL('../', import.meta.url);

/** What simd-workspace.ts and the tests call: the row kernels and every combine variant. */
const KERNELS = ['rowMax', 'rowExp', 'rowShift', 'rowLog', 'rowAbsDiff'];
for (let k = 1; k <= 4; k++) {
  for (const variant of ['Assign', 'Add', 'AssignStats', 'AddStats']) {
    KERNELS.push(`combine${k}${variant}`);
  }
}

describe('every shipped kernel source compiles, validates and is what the runtime loads', () => {
  for (const source of KERNEL_SOURCES) {
    it(`${source} validates here, and the built .wasm beside it is its binary`, async () => {
      const binary = await compileKernel(source);
      expect(webAssembly()!.validate(binary)).toBe(true);
      const built = readFileSync(new URL(`src/${source.replace(/\.wat$/, '.wasm')}`, root));
      expect(new Uint8Array(built)).toEqual(binary);
    });
  }

  it('the loaded module exports exactly the kernels the workspace calls', () => {
    const memory = new (webAssembly()!.Memory)({ initial: 1 });
    const instance = new (webAssembly()!.Instance)(simdModule()!, { env: { memory } });
    expect(Object.keys(instance.exports).sort()).toEqual([...KERNELS].sort());
    for (const name of KERNELS) expect(typeof instance.exports[name]).toBe('function');
  });
});
