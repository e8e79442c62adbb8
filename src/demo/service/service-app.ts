/**
 * The HTTP service the demo puts under load, in three variants that differ only in how `/infer`
 * reaches the models: `GET /health` answers at once, `GET /infer` runs an ensemble of two models
 * of a few milliseconds each on a fixed input and answers with the averaged output's argmax.
 *
 * Each variant runs as a child process with an IPC channel: it sends `{ type: 'listening', port }`
 * once it listens on 127.0.0.1 (a port the system picks), and on `{ type: 'stop' }` answers with
 * `{ type: 'stopped', loopDelay }` — its own event loop's delay while it served — and exits.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { MODEL_SIZES, sizedModel } from '../../models/index.js';
import { SeededRandom } from '../../util/random.js';

/** About 5 ms per run on the 2-core machine: a model of realistic cost. */
export const SERVICE_MODEL = MODEL_SIZES.medium;
export const ENSEMBLE_SIZE = 2;

export interface ServiceModels {
  readonly models: Uint8Array[];
  readonly input: Float32Array;
  readonly dims: number[];
}

/** The models' bytes and the input every /infer request runs on (seeded: the same in all three). */
export function serviceModels(): ServiceModels {
  const input = new SeededRandom(9).fillNormal(new Float32Array(SERVICE_MODEL.width), 1);
  return {
    models: Array.from(
      { length: ENSEMBLE_SIZE },
      (_, k) => sizedModel({ seed: 41 + k, ...SERVICE_MODEL }).bytes,
    ),
    input,
    dims: [1, SERVICE_MODEL.width],
  };
}

export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}

/** The event-loop delay of the service while it served, in milliseconds. */
export interface LoopDelayReport {
  readonly p99Ms: number;
  readonly maxMs: number;
}

export async function serve(
  infer: () => Promise<number>,
  close: () => Promise<void>,
): Promise<void> {
  // Inferences still running when the load stops: close() must wait for them, since releasing a
  // session or terminating a worker inside onnxruntime-node's run aborts the process.
  let inFlight = 0;
  let drained: (() => void) | undefined;
  const server = createServer((request, response) => {
    if (request.url === '/health') {
      response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      return;
    }
    if (request.url === '/infer') {
      inFlight++;
      infer()
        .finally(() => {
          inFlight--;
          if (inFlight === 0) drained?.();
        })
        .then(
          (label) =>
            response
              .writeHead(200, { 'content-type': 'application/json' })
              .end(JSON.stringify({ label })),
          (error: unknown) =>
            response.writeHead(500, { 'content-type': 'text/plain' }).end(String(error)),
        );
      return;
    }
    response.writeHead(404).end();
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  // The histogram's 1 ms timer interval is taken off what it records, so an idle loop reads ~0.
  const delay = monitorEventLoopDelay({ resolution: 1 });
  const late = (ns: number) => Math.max(0, ns / 1e6 - 1);
  process.on('message', async (message: { type?: string }) => {
    if (message.type === 'reset') {
      delay.reset();
      delay.enable();
      process.send?.({ type: 'reset' });
    }
    if (message.type !== 'stop') return;
    delay.disable();
    const loopDelay: LoopDelayReport = {
      p99Ms: late(delay.percentile(99)),
      maxMs: late(delay.max),
    };
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    if (inFlight > 0) await new Promise<void>((resolve) => (drained = resolve));
    await close();
    process.send?.({ type: 'stopped', loopDelay }, () => process.exit(0));
  });
  process.on('disconnect', () => process.exit(0));
  process.send?.({ type: 'listening', port: (server.address() as AddressInfo).port });
}
