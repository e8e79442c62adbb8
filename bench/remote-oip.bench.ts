/**
 * A remote ask's overhead beside a local ask: the same classifier run by a model actor in this
 * process, and by another process (`roundtable serve --http`) reached through the Open Inference
 * Protocol with the binary data extension and with JSON tensors. Both processes share this
 * machine's cores, so on a small or busy machine the figures are indicative only.
 *
 * Run: npx tsx bench/remote-oip.bench.ts [seconds per task]     (default 2)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Bench } from 'tinybench';
import { classifier } from '../src/models/index.js';
import { Roundtable } from '../src/runtime/roundtable.js';
import { seededFloats } from '../test/support/seeded-floats.js';

const SECONDS = Number(process.argv[2] ?? 2);
const INPUT = 64;
const BATCHES = [1, 32];
const dir = mkdtempSync(join(tmpdir(), 'oip-bench-'));
const model = classifier({ seed: 1, inputSize: INPUT });
writeFileSync(join(dir, 'clf.onnx'), model.bytes);

const main = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
const server = spawn(
  process.execPath,
  ['--import', 'tsx', main, 'serve', '--models', dir, '--http', '0'],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
const runtime = await Roundtable.create();
try {
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    server.stdout!.on('data', (chunk) => {
      out += chunk;
      const found = /at (http:\/\/[^\s]+)\/v2/.exec(out);
      if (found) resolve(found[1]!);
    });
    server.once('exit', (code) => reject(new Error(`the server exited with ${code}`)));
  });
  const local = await runtime.spawnModel('local', { model: model.bytes });
  const binary = await runtime.addRemoteModel('remote', { url, model: 'clf' });
  const json = await runtime.addRemoteModel('remote-json', { url, model: 'clf', binary: false });

  const bench = new Bench({ name: 'remote ask', time: SECONDS * 1000, warmupTime: 300 });
  for (const batch of BATCHES) {
    const features = {
      dtype: 'float32' as const,
      dims: [batch, INPUT],
      data: seededFloats(batch, batch * INPUT),
    };
    bench.add(`local ask, batch ${batch}`, () => local.run({ features }).then(() => undefined));
    bench.add(`HTTP binary, batch ${batch}`, () => binary.run({ features }).then(() => undefined));
    bench.add(`HTTP JSON, batch ${batch}`, () => json.run({ features }).then(() => undefined));
  }
  await bench.run();
  const localMean = new Map<number, number>();
  const rows = bench.tasks.map((task) => {
    const r = task.result;
    if (r.state !== 'completed') return { ask: task.name, state: r.state };
    const batch = Number(/batch (\d+)/.exec(task.name)![1]);
    if (task.name.startsWith('local')) localMean.set(batch, r.latency.mean);
    const overhead = r.latency.mean - (localMean.get(batch) ?? r.latency.mean);
    return {
      ask: task.name,
      'ms (mean)': +r.latency.mean.toFixed(3),
      '± ms (moe)': +r.latency.moe.toFixed(3),
      'ms (p50)': +r.latency.p50.toFixed(3),
      'ms (p99)': +r.latency.p99.toFixed(3),
      'over local, ms': +overhead.toFixed(3),
      samples: r.latency.samplesCount,
    };
  });
  console.log(`remote ask beside local ask, classifier ${INPUT}→10, Node ${process.version}`);
  console.table(rows);
} finally {
  await runtime.close();
  server.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}
