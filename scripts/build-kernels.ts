import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileWat } from './compile-wat.js';

/**
 * Compiles the WebAssembly text sources under src/ into the `.wasm` files the runtime loads: one
 * beside the source (ignored by git, for runs from sources under vitest and tsx) and one in
 * dist/ (shipped). `npm run build` runs it before tsc, and vitest's global setup before the tests.
 */
export const KERNEL_SOURCES = [
  'engines/fusion/kernels/simd/kernels.wat',
  'engines/fusion/kernels/simd/simd-probe.wat',
] as const;

const root = fileURLToPath(new URL('..', import.meta.url));

/** The binary of one source (a path from {@link KERNEL_SOURCES}); throws KernelBuildError. */
export async function compileKernel(source: string): Promise<Uint8Array> {
  const text = await readFile(join(root, 'src', source), 'utf8');
  return compileWat(join('src', source), text);
}

/** Compiles every source and writes its `.wasm` under src/ and dist/; returns the paths written. */
export async function buildKernels(): Promise<string[]> {
  const written: string[] = [];
  for (const source of KERNEL_SOURCES) {
    const binary = await compileKernel(source);
    for (const tree of ['src', 'dist']) {
      const target = join(tree, source.replace(/\.wat$/, '.wasm'));
      await mkdir(dirname(join(root, target)), { recursive: true });
      await writeFile(join(root, target), binary);
      written.push(target);
    }
  }
  return written;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  buildKernels().then(
    (written) => console.log(`kernels: ${written.join(', ')}`),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exitCode = 1;
    },
  );
}
