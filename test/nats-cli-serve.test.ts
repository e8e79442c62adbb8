import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifier } from '../src/models/index.js';
import { NatsServerProcess, skipWithoutNatsServer } from './support/nats-server.js';
import { startRuntime } from './support/runtime.js';

const cli = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));

describe.skipIf(skipWithoutNatsServer())('roundtable serve --nats (the built CLI)', () => {
  let nats: NatsServerProcess;

  beforeAll(async () => {
    nats = await NatsServerProcess.start();
  });

  afterAll(async () => {
    await nats?.stop();
  });

  it("serves a plan's actors under the plan's names, and exits cleanly on SIGTERM", async () => {
    expect(existsSync(cli), 'run `npm run build` first: this test runs dist/cli/main.js').toBe(
      true,
    );
    const dir = mkdtempSync(join(tmpdir(), 'roundtable-nats-serve-'));
    writeFileSync(
      join(dir, 'c.onnx'),
      classifier({ seed: 5, inputSize: 4, hidden: 4, classes: 3 }).bytes,
    );
    writeFileSync(
      join(dir, 'plan.json'),
      JSON.stringify({
        kind: 'rounds',
        name: 'served',
        actors: { judge: { model: 'c.onnx' } },
        inputs: ['features'],
        outputs: ['logits'],
        rounds: [
          {
            steps: [
              { actor: 'judge', inputs: { features: 'features' }, outputs: { logits: 'logits' } },
            ],
          },
        ],
      }),
    );
    const child = spawn(
      process.execPath,
      [cli, 'serve', '--nats', nats.url, '--plan', join(dir, 'plan.json')],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const ready = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout! }).once('line', resolve);
      child.once('exit', (code) => reject(new Error(`serve exited with ${code}`)));
    });
    expect(ready).toMatch(/^ready \w+$/);

    const nc = await connect({ servers: nats.url });
    try {
      const runtime = await startRuntime();
      const judge = await runtime.addNatsActor('judge', { connection: nc });
      expect(judge.inputs.map((i) => i.name)).toEqual(['features']);
      const outputs = await judge.run({
        features: { dtype: 'float32', dims: [2, 4], data: new Float32Array(8).fill(0.5) },
      });
      expect(outputs.logits!.dims).toEqual([2, 3]);
      // Discovery: the services protocol's PING names the server.
      const ping = await nc.request('$SRV.PING.roundtable', undefined, { timeout: 5_000 });
      expect(ping.json()).toMatchObject({
        type: 'io.nats.micro.v1.ping_response',
        name: 'roundtable',
        id: ready.slice('ready '.length),
      });
    } finally {
      await nc.close();
    }
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
