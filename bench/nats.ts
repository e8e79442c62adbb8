/**
 * What a remote ask over NATS costs beside a local ask, and throughput with 1, 2 and 3 server
 * processes (issue 15).
 *
 *   npm run build && npx tsx bench/nats.ts [--quick]
 *
 * Starts its own nats-server on 127.0.0.1 and a free port, and the server processes with the built
 * CLI (`node dist/cli/main.js serve --nats … --models …`). The model is a small classifier, so the
 * figures are the transport's cost, not the model's. Per-call CPU (the caller's, the servers' and
 * NATS's, read from /proc) is reported beside the wall-clock rate: on a machine with fewer cores
 * than processes the rate cannot grow with more servers, the CPU per call says what it would cost
 * where it can.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { connect } from '@nats-io/transport-node';
import { classifier } from '../src/models/index.js';
import { Roundtable } from '../src/runtime/roundtable.js';
import type { HostTensor } from '../src/tensor/index.js';
import { NatsServerProcess } from '../test/support/nats-server.js';

const quick = process.argv.includes('--quick');
const SEQUENTIAL_CALLS = quick ? 300 : 2_000;
const THROUGHPUT_MS = quick ? 2_000 : 8_000;
const IN_FLIGHT = 16;
const cli = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const ticksPerSecond = 100; // USER_HZ on Linux

const dir = mkdtempSync(join(tmpdir(), 'roundtable-bench-nats-'));
writeFileSync(
  join(dir, 'm.onnx'),
  classifier({ seed: 1, inputSize: 64, hidden: 64, classes: 10 }).bytes,
);
const features: HostTensor = {
  dtype: 'float32',
  dims: [1, 64],
  data: new Float32Array(64).fill(0.25),
};

const nats = await NatsServerProcess.start();
const url = nats.url;

const runtime = await Roundtable.create();
const nc = await connect({ servers: url });
const servers: ChildProcess[] = [];
try {
  console.log(
    `load average at start: ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`,
  );
  const local = await runtime.spawnModel('local', { model: join(dir, 'm.onnx') });
  servers.push(await startServer());
  const remote = await runtime.addNatsActor('m', { connection: nc });

  const localMs = await sequential(() => local.run({ features }));
  const remoteMs = await sequential(() => remote.run({ features }));
  console.log('\none call at a time (ms per call)');
  console.log(row(['', 'mean', 'p50', 'p99']));
  console.log(row(['local ask', ...summary(localMs)]));
  console.log(row(['remote ask over NATS', ...summary(remoteMs)]));
  console.log(
    `remote overhead: ${(mean(remoteMs) - mean(localMs)).toFixed(3)} ms per call (mean), ` +
      `${(percentile(remoteMs, 0.5) - percentile(localMs, 0.5)).toFixed(3)} ms (p50)`,
  );

  console.log(`\nthroughput, ${IN_FLIGHT} calls in flight for ${THROUGHPUT_MS} ms`);
  console.log(row(['servers', 'calls/s', 'CPU ms/call', 'caller', 'servers', 'nats']));
  for (let n = 1; n <= 3; n++) {
    while (servers.length < n) servers.push(await startServer());
    const pids = { caller: [process.pid], servers: servers.map((s) => s.pid!), nats: [nats.pid!] };
    const before = cpuTicks(pids);
    const calls = await throughput(() => remote.run({ features }));
    const after = cpuTicks(pids);
    const perCall = (key: keyof typeof pids) =>
      (((after[key]! - before[key]!) / ticksPerSecond) * 1000) / calls;
    const total = perCall('caller') + perCall('servers') + perCall('nats');
    console.log(
      row([
        String(n),
        ((calls / THROUGHPUT_MS) * 1000).toFixed(0),
        total.toFixed(3),
        perCall('caller').toFixed(3),
        perCall('servers').toFixed(3),
        perCall('nats').toFixed(3),
      ]),
    );
  }
  console.log(
    '\nMeasured on a shared 2-core machine: the rate cannot grow with more server processes there; ' +
      'the CPU per call is the cost that would spread over more cores.',
  );
} finally {
  await runtime.close(0);
  await nc.close();
  for (const server of servers) server.kill('SIGTERM');
  await nats.stop();
}

async function startServer(): Promise<ChildProcess> {
  const child = spawn(process.execPath, [cli, 'serve', '--nats', url, '--models', dir], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  await new Promise<void>((resolve) =>
    createInterface({ input: child.stdout! }).once('line', () => resolve()),
  );
  return child;
}

async function sequential(call: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < 50; i++) await call(); // warm-up
  const samples: number[] = [];
  for (let i = 0; i < SEQUENTIAL_CALLS; i++) {
    const t0 = performance.now();
    await call();
    samples.push(performance.now() - t0);
  }
  return samples;
}

async function throughput(call: () => Promise<unknown>): Promise<number> {
  const end = performance.now() + THROUGHPUT_MS;
  let calls = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (performance.now() < end) {
        await call();
        calls++;
      }
    }),
  );
  return calls;
}

function cpuTicks(pids: Record<string, number[]>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, list] of Object.entries(pids)) {
    out[key] = list.reduce((sum, pid) => {
      // Fields 14 and 15 (utime, stime) after the command name in parentheses.
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return sum + Number(fields[11]) + Number(fields[12]);
    }, 0);
  }
  return out;
}

function summary(samples: number[]): string[] {
  return [mean(samples), percentile(samples, 0.5), percentile(samples, 0.99)].map((v) =>
    v.toFixed(3),
  );
}

function mean(samples: number[]): number {
  return samples.reduce((a, b) => a + b, 0) / samples.length;
}

function percentile(samples: number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

function row(cells: string[]): string {
  return cells.map((cell, i) => (i === 0 ? cell.padEnd(22) : cell.padStart(12))).join('');
}
