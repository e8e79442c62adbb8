/**
 * Batching: 16 concurrent callers of one small model (MODEL_SIZES.small, ≈ 1 ms a run at batch 1),
 * each asking for one row and asking again as soon as it is answered. The same model actor setup
 * (two replicas, one per core) with and without dynamic batching; throughput in requests per
 * second and the callers' latency.
 */
import { MODEL_SIZES, sizedModel } from '../src/models/index.js';
import { Roundtable } from '../src/runtime/roundtable.js';
import { seededFloats } from './models.js';
import type { Suite, SuiteContext, SuiteOutcome } from './suite.js';
import { closedLoop, round } from './timing.js';

const CALLERS = 16;
const REPLICAS = 2;
const MAX_BATCH = 8;
const MAX_DELAY_MS = 2;

export const batching: Suite = {
  name: 'batching',
  title: `Batching: ${CALLERS} concurrent callers of a small model, with and without dynamic batching`,
  run: runBatching,
};

async function runBatching(context: SuiteContext): Promise<SuiteOutcome> {
  const shape = MODEL_SIZES.small;
  const bytes = sizedModel({ seed: 21, ...shape }).bytes;
  const runtime = await Roundtable.create();
  const durationMs = context.quick ? 1500 : 4000;
  try {
    const plain = await runtime.spawnModel('unbatched', { model: bytes, replicas: REPLICAS });
    const batched = await runtime.spawnModel('batched', {
      model: bytes,
      replicas: REPLICAS,
      batching: { maxBatch: MAX_BATCH, maxDelayMs: MAX_DELAY_MS },
    });
    const feed = runtime.arena.writeTensor(
      'float32',
      [1, shape.width],
      seededFloats(6, shape.width),
    );
    const sizes: number[] = [];
    const ask = (actor: typeof plain) => async () => {
      const result = await actor.runShared({ input: feed });
      if (result.stats.batch !== undefined) sizes.push(result.stats.batch);
      for (const name in result.outputs) runtime.arena.release(result.outputs[name]!);
    };
    try {
      // Warm both, then alternate twice so outside load falls on both alike; keep the better.
      await closedLoop(ask(plain), CALLERS, 200);
      await closedLoop(ask(batched), CALLERS, 200);
      const unbatchedRuns = [];
      const batchedRuns = [];
      for (let turn = 0; turn < 2; turn++) {
        context.log(`batching: unbatched, ${CALLERS} callers, turn ${turn + 1}`);
        unbatchedRuns.push((await closedLoop(ask(plain), CALLERS, durationMs / 2)).perSecond);
        context.log(`batching: batched, ${CALLERS} callers, turn ${turn + 1}`);
        sizes.length = 0;
        batchedRuns.push((await closedLoop(ask(batched), CALLERS, durationMs / 2)).perSecond);
      }
      const unbatched = Math.max(...unbatchedRuns);
      const withBatching = Math.max(...batchedRuns);
      const meanBatch = sizes.length > 0 ? sizes.reduce((a, b) => a + b, 0) / sizes.length : 1;
      return {
        tables: [
          {
            title: `${CALLERS} concurrent callers, one row each, small model (width ${shape.width}, ${shape.layers} layers), ${REPLICAS} replicas`,
            columns: ['model actor', 'requests/s', 'mean latency ms', 'mean batch'],
            rows: [
              ['unbatched', round(unbatched), round((CALLERS / unbatched) * 1000), 1],
              [
                `batching (maxBatch ${MAX_BATCH}, maxDelayMs ${MAX_DELAY_MS})`,
                round(withBatching),
                round((CALLERS / withBatching) * 1000),
                round(meanBatch),
              ],
            ],
            note:
              'Closed loop: each caller asks again as soon as it is answered; the better of two ' +
              'alternating turns of each. Mean latency = callers / throughput (Little). Mean batch: ' +
              'requests per run, as the worker reported them, in the last batched turn.',
          },
        ],
        charts: [
          {
            file: 'batching.svg',
            title: `${CALLERS} concurrent callers of a small model: requests per second (higher is better)`,
            unit: 'req/s',
            bars: [
              { label: 'unbatched', value: round(unbatched) },
              { label: 'dynamic batching', value: round(withBatching) },
            ],
          },
        ],
        figures: {
          batching_throughput_vs_unbatched: withBatching / unbatched,
          batching_requests_per_s: withBatching,
          unbatched_requests_per_s: unbatched,
          batching_mean_batch: meanBatch,
        },
        notes: [
          `Dynamic batching stacks concurrent one-row requests into one run of up to ${MAX_BATCH} ` +
            'rows inside the model worker (the feeds are copied into its staging buffer anyway) ' +
            'and splits the outputs back as it writes them to the arena.',
        ],
      };
    } finally {
      runtime.arena.release(feed);
    }
  } finally {
    await runtime.close();
  }
}
