import { buildKernels } from '../../scripts/build-kernels.js';

/**
 * Compiles the WebAssembly kernels from their `.wat` sources before any test runs, so that tests
 * run from sources load the kernels of this checkout; a kernel that does not build fails the run.
 */
export default async function setup(): Promise<void> {
  await buildKernels();
}
