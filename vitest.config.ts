import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The fusion kernels' .wasm is built from .wat: compile it first (scripts/build-kernels.ts).
    globalSetup: ['test/support/build-kernels.global-setup.ts'],
    // onnxruntime-node is a native addon: child processes isolate it better than vitest's threads.
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
