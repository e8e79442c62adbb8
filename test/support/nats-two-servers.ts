/**
 * What the fault tests over NATS start from: a real nats-server, two `serve` processes sharing
 * one classifier `m` in a queue group (each holding every call for `holdMs` before running it, so
 * calls are in their hands when a test kills or stops one), and a client connection.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { classifier } from '../../src/models/index.js';
import { ServeProcess } from './nats-serve-process.js';
import { NatsServerProcess } from './nats-server.js';

export interface TwoServers {
  readonly nats: NatsServerProcess;
  readonly servers: readonly ServeProcess[];
  readonly nc: NatsConnection;
  stop(): Promise<void>;
}

export async function startTwoServers(options: {
  readonly seed: number;
  readonly classes: number;
  readonly holdMs: number;
}): Promise<TwoServers> {
  const dir = mkdtempSync(join(tmpdir(), 'roundtable-nats-two-'));
  writeFileSync(
    join(dir, 'm.onnx'),
    classifier({ seed: options.seed, inputSize: 4, hidden: 4, classes: options.classes }).bytes,
  );
  const nats = await NatsServerProcess.start();
  const servers = await Promise.all(
    [1, 2].map(() => ServeProcess.start(nats.url, dir, options.holdMs)),
  );
  const nc = await connect({ servers: nats.url });
  return {
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
