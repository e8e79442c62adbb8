/**
 * Puts one variant of the demo service under load and reads what a service owner watches: how
 * many `/infer` requests it serves per second, their latency, the latency of the cheap `/health`
 * endpoint served meanwhile, and the service's own event-loop delay.
 *
 * The service runs in a child process; autocannon (in this process) keeps `connections` requests
 * to `/infer` in flight and probes `/health` at a fixed rate on one more connection. Loopback
 * only, bounded in time.
 */
import { type ChildProcess, fork } from 'node:child_process';
import autocannon from 'autocannon';
import { cpuTicks, othersShare } from './machine-cpu.js';
import type { LoopDelayReport } from './service-app.js';

export interface LoadOptions {
  readonly connections: number;
  readonly seconds: number;
  readonly warmupSeconds: number;
  readonly healthPerSecond: number;
}

export interface LoadFigures {
  readonly inferPerSecond: number;
  readonly inferP50Ms: number;
  readonly inferP99Ms: number;
  readonly healthP99Ms: number;
  readonly loopDelay: LoopDelayReport;
  readonly errors: number;
  /** Share of the machine's CPU other processes took meanwhile (0–1); undefined off Linux. */
  readonly othersCpuShare: number | undefined;
}

export async function underLoad(entry: URL, options: LoadOptions): Promise<LoadFigures> {
  const service = fork(entry, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    const { port } = await reply<{ port: number }>(service, 'listening');
    const base = `http://127.0.0.1:${port}`;
    await run({
      url: `${base}/infer`,
      connections: options.connections,
      duration: options.warmupSeconds,
    });
    service.send({ type: 'reset' });
    await reply(service, 'reset');
    const pids = service.pid === undefined ? [] : [service.pid];
    const before = cpuTicks(pids);
    const [infer, health] = await Promise.all([
      run({ url: `${base}/infer`, connections: options.connections, duration: options.seconds }),
      run({
        url: `${base}/health`,
        connections: 1,
        overallRate: options.healthPerSecond,
        duration: options.seconds,
      }),
    ]);
    const after = cpuTicks(pids);
    service.send({ type: 'stop' });
    const { loopDelay } = await reply<{ loopDelay: LoopDelayReport }>(service, 'stopped');
    return {
      inferPerSecond: infer.requests.average,
      inferP50Ms: infer.latency.p50,
      inferP99Ms: infer.latency.p99,
      healthP99Ms: health.latency.p99,
      loopDelay,
      errors: infer.errors + infer.non2xx + health.errors + health.non2xx,
      othersCpuShare: before && after ? othersShare(before, after) : undefined,
    };
  } finally {
    if (service.exitCode === null) service.kill();
  }
}

function run(options: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

/** The next IPC message of this type, or the child's death as an error. */
function reply<T>(child: ChildProcess, type: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: { type?: string } & T) => {
      if (message.type !== type) return;
      child.off('exit', onExit);
      child.off('message', onMessage);
      resolve(message);
    };
    const onExit = (code: number | null) =>
      reject(new Error(`the demo service exited (code ${code}) before it sent "${type}"`));
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}
