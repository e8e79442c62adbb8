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
    // expect.poll waits for a settled state (a restart, a stop): on a busy machine a worker takes
    // longer than the 1 s default to be replaced, and the wait must not be what fails.
    expect: { poll: { timeout: 20_000 } },
  },
});
