/**
 * What the tests over NATS start from: a real nats-server, `count` serve processes sharing a
 * folder of models in a queue group (by default one classifier `m` of 4 features), each holding
 * every call for `holdMs` before running it (so calls are in their hands when a test times out,
 * aborts, kills or stops), and a client connection. Test files take it through
 * {@link natsServingFor}.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ConnectionOptions, connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll } from 'vitest';
import { classifier } from '../../src/models/index.js';
import { ServeProcess } from './nats-serve-process.js';
import { NatsServerProcess } from './nats-server.js';

export interface NatsServing {
  /** The folder the serve processes serve (`<name>.onnx` a model). */
  readonly dir: string;
  readonly nats: NatsServerProcess;
  readonly servers: readonly ServeProcess[];
  readonly nc: NatsConnection;
  /** Closes the connection, kills the serve processes, stops nats-server. */
  stop(): Promise<void>;
}

export type NatsServingOptions = {
  /** How long each serve process holds a call before running it, ms; default 0. */
  readonly holdMs?: number;
  /** Serve processes; default 1. */
  readonly count?: number;
  /** The client connection's options beyond the server's URL. */
  readonly connection?: Omit<ConnectionOptions, 'servers'>;
} & (
  | { readonly seed: number; readonly classes?: number }
  | {
      /** The models served, by actor name. */
      readonly models: Readonly<Record<string, Uint8Array>>;
    }
);

export async function startNatsServing(options: NatsServingOptions): Promise<NatsServing> {
  const dir = mkdtempSync(join(tmpdir(), 'roundtable-nats-'));
  const models =
    'models' in options
      ? options.models
      : {
          m: classifier({
            seed: options.seed,
            inputSize: 4,
            hidden: 4,
            classes: options.classes ?? 2,
          }).bytes,
        };
  for (const [name, bytes] of Object.entries(models))
    writeFileSync(join(dir, `${name}.onnx`), bytes);
  const nats = await NatsServerProcess.start();
  const servers = await Promise.all(
    Array.from({ length: options.count ?? 1 }, () =>
      ServeProcess.start(nats.url, dir, options.holdMs),
    ),
  );
  const nc = await connect({ ...options.connection, servers: nats.url });
  return {
    dir,
    nats,
    servers,
    nc,
    async stop() {
      await nc.close();
      await Promise.all(servers.map((server) => server.kill()));
      await nats.stop();
    },
  };
}

/**
 * Starts {@link startNatsServing} before the tests of the enclosing `describe` and stops it after
 * them; the handle reads what it started (valid inside the tests).
 */
export function natsServingFor(options: NatsServingOptions): NatsServing & {
  /** The first serve process. */
  readonly server: ServeProcess;
} {
  let started: NatsServing | undefined;
  beforeAll(async () => {
    started = await startNatsServing(options);
  });
  afterAll(async () => {
    await started?.stop();
  });
  const current = () => {
    if (!started) throw new Error('NATS serving is used outside the tests of its describe');
    return started;
  };
  return {
    get dir() {
      return current().dir;
    },
    get nats() {
      return current().nats;
    },
    get servers() {
      return current().servers;
    },
    get server() {
      return current().servers[0]!;
    },
    get nc() {
      return current().nc;
    },
    stop: () => current().stop(),
  };
}

/**
 * The requests each serve process has taken, polled every 20 ms (at most `tries` times) until
 * they add up to `total`: a bounded wait for the queue group to hand every call to a server.
 */
export async function heldRequests(
  servers: readonly ServeProcess[],
  total: number,
  tries = 250,
): Promise<number[]> {
  let held = servers.map(() => 0);
  for (let i = 0; i < tries; i++) {
    held = (await Promise.all(servers.map((s) => s.stats()))).map((s) => s[0]!.requests);
    if (held.reduce((a, b) => a + b, 0) === total) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return held;
}
