/**
 * How long the arena's hot paths take on one thread: allocate + release of a 64 B, 4 KiB and
 * 1 MiB block, the check every received descriptor goes through, and writeTensor + release of a
 * decode step's window (int64 [1, 8]) and of one model's next-token scores (float32 [1, 4000]),
 * the arguments checked at the door included.
 *
 * One task call runs a batch of BATCH operations, because a single allocate + release is shorter
 * than the timer's resolution and per-call overhead; the figures are divided back to one operation.
 *
 * Run: npx tsx bench/arena.bench.ts
 */
import { Bench } from 'tinybench';
import { Arena } from '../src/tensor/index.js';

const BATCH = 1000;
const arena = Arena.create();

const bench = new Bench({ name: 'arena', time: 1000, warmupTime: 200 });
for (const [label, size] of [
  ['64 B', 64],
  ['4 KiB', 4 * 1024],
  ['1 MiB', 1024 * 1024],
] as const) {
  bench.add(`allocate + release ${label}`, () => {
    for (let i = 0; i < BATCH; i++) arena.release(arena.allocate(size));
  });
}
const held = arena.allocTensor('float32', [16, 256]).descriptor;
bench.add('check a float32 [16, 256] descriptor', () => {
  for (let i = 0; i < BATCH; i++) arena.check(held);
});

for (const [label, dtype, dims, data] of [
  ['int64 [1, 8]', 'int64', [1, 8], new BigInt64Array(8).fill(7n)],
  ['float32 [1, 4000]', 'float32', [1, 4000], new Float32Array(4000).fill(0.5)],
] as const) {
  bench.add(`writeTensor + release ${label}`, () => {
    for (let i = 0; i < BATCH; i++) arena.release(arena.writeTensor(dtype, dims, data));
  });
}

await bench.run();

const rows = bench.tasks.map((task) => {
  const r = task.result;
  if (r.state !== 'completed') return { task: task.name, state: r.state };
  return {
    task: task.name,
    'ns/op (mean)': +((r.latency.mean * 1e6) / BATCH).toFixed(1),
    'ns/op (p50)': +((r.latency.p50 * 1e6) / BATCH).toFixed(1),
    'ns/op (p99)': +((r.latency.p99 * 1e6) / BATCH).toFixed(1),
    'Mops/s': +(BATCH / r.latency.mean / 1000).toFixed(2),
    '±%': +r.latency.rme.toFixed(2),
    samples: r.latency.samplesCount,
  };
});
console.log(`arena micro-measurements, Node ${process.version}, ${BATCH} operations per sample`);
console.table(rows);
arena.release(held);
const stats = arena.stats();
if (stats.liveAllocations !== 0)
  throw new Error(`benchmark leaked ${stats.liveAllocations} blocks`);
