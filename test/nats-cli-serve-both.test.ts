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

describe.skipIf(skipWithoutNatsServer())('roundtable serve --nats --http (both at once)', () => {
  let nats: NatsServerProcess;

  beforeAll(async () => {
    nats = await NatsServerProcess.start();
  });

  afterAll(async () => {
    await nats?.stop();
  });

  it('serves the same models over NATS and the Open Inference Protocol', async () => {
    expect(existsSync(cli), 'run `npm run build` first: this test runs dist/cli/main.js').toBe(
      true,
    );
    const dir = mkdtempSync(join(tmpdir(), 'roundtable-nats-both-'));
    writeFileSync(
      join(dir, 'scorer.onnx'),
      classifier({ seed: 21, inputSize: 4, hidden: 4, classes: 2 }).bytes,
    );
    const child = spawn(
      process.execPath,
      [cli, 'serve', '--models', dir, '--nats', nats.url, '--http', '0'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const lines: string[] = [];
    await new Promise<void>((resolve, reject) => {
      createInterface({ input: child.stdout! }).on('line', (line) => {
        lines.push(line);
        if (line.startsWith('ready ')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`serve exited with ${code}`)));
    });
    const http = lines.join('\n').match(/(http:\/\/127\.0\.0\.1:\d+)\/v2/)?.[1];
    expect(http).toBeDefined();

    const nc = await connect({ servers: nats.url });
    try {
      const runtime = await startRuntime();
      const viaNats = await runtime.addNatsActor('scorer', { connection: nc });
      const data = [0.5, -1, 2, 0];
      const natsOut = await viaNats.run({
        features: { dtype: 'float32', dims: [1, 4], data: new Float32Array(data) },
      });
      const response = await fetch(`${http}/v2/models/scorer/infer`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          inputs: [{ name: 'features', datatype: 'FP32', shape: [1, 4], data }],
        }),
      });
      expect(response.status).toBe(200);
      const body = (await response.json()) as { outputs: { name: string; data: number[] }[] };
      const httpLogits = body.outputs.find((o) => o.name === 'logits')!.data;
      expect(httpLogits).toEqual(Array.from(natsOut.logits!.data as Float32Array));
    } finally {
      await nc.close();
    }
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
