import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/program.js';
import { classifier } from '../src/models/index.js';
import { ensemble } from '../src/plans/builders.js';
import { ServeProcess } from './support/nats-serve-process.js';
import { NatsServerProcess, skipWithoutNatsServer } from './support/nats-server.js';

/** Runs `roundtable run …` in process: what it wrote on stderr, and its exit code. */
async function run(args: string[]): Promise<{ stderr: string; code: number }> {
  const errors: string[] = [];
  const code = await runCli(['run', ...args], {
    writeErr: (text) => errors.push(text),
    writeOut: () => {},
  });
  return { stderr: errors.join(''), code };
}

describe.skipIf(skipWithoutNatsServer())('roundtable run --nats', () => {
  let nats: NatsServerProcess;
  let server: ServeProcess;
  const dir = mkdtempSync(join(tmpdir(), 'roundtable-nats-cli-'));

  beforeAll(async () => {
    for (const name of ['a', 'b'])
      writeFileSync(
        join(dir, `${name}.onnx`),
        classifier({ seed: name === 'a' ? 11 : 12, inputSize: 4, hidden: 8, classes: 3 }).bytes,
      );
    nats = await NatsServerProcess.start();
    server = await ServeProcess.start(nats.url, dir);
  });

  afterAll(async () => {
    await server?.kill();
    await nats?.stop();
  });

  it('writes the same output file as a local run, spawning none of the plan actors', async () => {
    const plan = {
      ...ensemble({
        name: 'cli-nats',
        models: ['a', 'b'],
        input: 'features',
        output: 'logits',
        fusion: { strategy: 'mean' },
      }),
      actors: { a: { model: 'a.onnx' }, b: { model: 'b.onnx' } },
    };
    writeFileSync(join(dir, 'plan.json'), JSON.stringify(plan));
    const lines = [
      [0.1, 0.2, 0.3, 0.4],
      [1, -1, 1, -1],
    ].map((data) => JSON.stringify({ features: { dtype: 'float32', dims: [1, 4], data } }));
    lines.push('{"features": {"dtype": "float32", "dims": [1, 5], "data": [1, 2, 3, 4, 5]}}');
    writeFileSync(join(dir, 'in.jsonl'), `${lines.join('\n')}\n`);
    const common = [join(dir, 'plan.json'), '--input', join(dir, 'in.jsonl'), '--out'];

    const local = await run([...common, join(dir, 'local.jsonl')]);
    const remote = await run([...common, join(dir, 'remote.jsonl'), '--nats', nats.url]);

    // The model refused the bad line's feed: a runtime failure of one line, on both sides alike.
    for (const result of [local, remote]) {
      expect(result.stderr).toMatch(/cli-nats: 3 lines, 1 failed/);
      expect(result.code).toBe(4);
    }
    const remoteOut = readFileSync(join(dir, 'remote.jsonl'), 'utf8');
    expect(remoteOut).toBe(readFileSync(join(dir, 'local.jsonl'), 'utf8'));
    // The bad line failed on this side, before anything was sent: the feed check ran here.
    expect(remoteOut).toMatch(/expects dimension 1 to be 4/);
    const served = await server.stats();
    expect(served.map((s) => s.requests)).toEqual([2, 2]);
  });
});
