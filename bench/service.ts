/**
 * Service: an HTTP service (node:http) that embeds roundtable beside the same service calling
 * onnxruntime-node directly on its event loop. Each is started as a child process on 127.0.0.1
 * (a port the system picks) and put under the same load by a load generator in a third process:
 * several keep-alive connections send `/infer` (an ensemble of two ~5 ms models) back to back,
 * while one more connection probes the cheap `/health` endpoint. A responsive service answers the
 * probe in well under a millisecond whatever the inference load.
 */
import type { ChildProcess } from 'node:child_process';
import { forkChild, message, stop } from './child-process.js';
import type { LoadRequest, LoadResult } from './fixtures/load-generator.js';
import type { Suite, SuiteContext, SuiteOutcome } from './suite.js';
import { round } from './timing.js';

const CONNECTIONS = 4;
const HEALTH_INTERVAL_MS = 5;
const START_TIMEOUT_MS = 120_000;

export const service: Suite = {
  name: 'service',
  title: 'Service: /health latency while /infer runs',
  run: runService,
};

/** The demo's three builds of one service (src/demo/service/), the same code `npm start` runs. */
const SERVICES = [
  { name: 'onnxruntime-node on the event loop', file: 'on-event-loop' },
  { name: 'worker threads by hand', file: 'by-hand' },
  { name: 'roundtable embedded', file: 'with-roundtable' },
] as const;

async function runService(context: SuiteContext): Promise<SuiteOutcome> {
  const spec = {
    durationMs: context.quick ? 4_000 : 15_000,
    warmupMs: context.quick ? 1_000 : 2_000,
    connections: CONNECTIONS,
    healthIntervalMs: HEALTH_INTERVAL_MS,
    maxRequests: 200_000,
  };
  const results: { name: string; load: LoadResult }[] = [];
  for (const svc of SERVICES) {
    context.log(`service: starting "${svc.name}"`);
    const server = child(svc.file);
    try {
      const { port } = await message<{ type: string; port: number }>(
        server,
        (m) => m.type === 'listening',
        START_TIMEOUT_MS,
      );
      context.log(
        `service: load on port ${port} for ${(spec.warmupMs + spec.durationMs) / 1000} s`,
      );
      const generator = child('load-generator');
      try {
        const request: LoadRequest = { port, ...spec };
        generator.send(request);
        const load = await message<LoadResult>(
          generator,
          () => true,
          spec.warmupMs + spec.durationMs + 60_000,
        );
        results.push({ name: svc.name, load });
      } finally {
        await stop(generator);
      }
    } finally {
      if (server.connected) server.send({ type: 'stop' });
      await stop(server);
    }
  }

  const direct = results[0]!.load;
  const byHand = results[1]!.load;
  const embedded = results[2]!.load;
  for (const { name, load } of results) {
    if (load.infer.count === 0 || load.health.count === 0) {
      throw new Error(
        `service "${name}" answered no ${load.infer.count === 0 ? '/infer' : '/health'} request`,
      );
    }
  }
  return {
    tables: [
      {
        title: `${CONNECTIONS} connections sending /infer back to back, /health probed every ${HEALTH_INTERVAL_MS} ms`,
        columns: [
          'service',
          '/infer req/s',
          '/infer p50 ms',
          '/infer p99 ms',
          '/health p50 ms',
          '/health p99 ms',
          '/health max ms',
          'errors',
        ],
        rows: results.map(({ name, load }) => [
          name,
          round(load.infer.perSecond),
          round(load.infer.p50Ms),
          round(load.infer.p99Ms),
          round(load.health.p50Ms),
          round(load.health.p99Ms),
          round(load.health.maxMs),
          load.infer.errors + load.health.errors,
        ]),
        note:
          `/infer runs an ensemble of two models of about 5 ms each. Measured by a load generator ` +
          `in its own process (node:http keep-alive agents: autocannon and wrk are not installed), ` +
          `over ${spec.durationMs / 1000} s after ${spec.warmupMs / 1000} s of warm-up; the ` +
          'service, the load generator and (for roundtable) the model workers share the cores.',
      },
    ],
    charts: [
      {
        file: 'service-health.svg',
        title: '/health p99 under /infer load (ms, lower is better)',
        unit: 'ms',
        bars: results.map(({ name, load }) => ({ label: name, value: round(load.health.p99Ms) })),
      },
      {
        file: 'service-infer.svg',
        title: '/infer throughput (requests/s, higher is better)',
        unit: 'req/s',
        bars: results.map(({ name, load }) => ({
          label: name,
          value: round(load.infer.perSecond),
        })),
      },
    ],
    figures: {
      service_health_p99_vs_direct: embedded.health.p99Ms / direct.health.p99Ms,
      service_infer_throughput_vs_direct: embedded.infer.perSecond / direct.infer.perSecond,
      service_health_p99_ms_roundtable: embedded.health.p99Ms,
      service_health_p99_ms_direct: direct.health.p99Ms,
      service_health_p99_vs_by_hand: embedded.health.p99Ms / byHand.health.p99Ms,
      service_infer_throughput_vs_by_hand: embedded.infer.perSecond / byHand.infer.perSecond,
    },
    notes: [
      "Three builds of one HTTP service (node:http, the demo's, src/demo/service/): one calls " +
        'onnxruntime-node on its own event loop, one runs the models on worker threads written by ' +
        'hand, one embeds roundtable. Each runs as a child process on 127.0.0.1 under the ' +
        'same load; the question is whether a cheap endpoint stays fast while inference runs.',
    ],
  };
}

function child(file: string): ChildProcess {
  return forkChild(
    file === 'load-generator'
      ? new URL('./fixtures/load-generator.ts', import.meta.url)
      : new URL(`../src/demo/service/${file}.ts`, import.meta.url),
  );
}
