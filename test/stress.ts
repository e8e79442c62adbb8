/**
 * `npm run test:stress`: the vitest suite while two threads keep the CPU busy, as on a shared
 * machine. Tests must hold when the scheduler is slow: they wait on events and settled states,
 * never on how far the other threads got. Arguments are passed on to `vitest run` (for instance a
 * few test files). Exits with vitest's code.
 */
import { spawn } from 'node:child_process';
import { Worker } from 'node:worker_threads';

const BUSY_THREADS = 2;

const spinners = Array.from(
  { length: BUSY_THREADS },
  () => new Worker('for (;;) { Math.sqrt(Math.random()); }', { eval: true }),
);

const vitest = spawn('npx', ['vitest', 'run', ...process.argv.slice(2)], { stdio: 'inherit' });
vitest.on('exit', async (code, signal) => {
  await Promise.all(spinners.map((spinner) => spinner.terminate()));
  process.exit(code ?? (signal ? 1 : 0));
});
