/**
 * The service with worker threads written by hand: one worker per model, the input posted to
 * each, the outputs posted back and averaged on the event loop. What a careful user writes
 * without roundtable (no supervision, no deadlines, no backpressure).
 */
import type { Worker } from 'node:worker_threads';
import { spawnWorker } from '../../util/spawn-worker.js';
import { argmax, serve, serviceModels } from './service-app.js';

const { models, input, dims } = serviceModels();
const waiting = new Map<number, (output: Float32Array) => void>();
let next = 0;
const workers: Worker[] = await Promise.all(
  models.map(async (model) => {
    const worker = spawnWorker(new URL('./session-worker.js', import.meta.url), {
      workerData: { model },
    });
    await new Promise<void>((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('error', reject);
    });
    worker.on('message', ({ id, output }: { id: number; output: Float32Array }) => {
      waiting.get(id)?.(output);
      waiting.delete(id);
    });
    return worker;
  }),
);
const ask = (worker: Worker) =>
  new Promise<Float32Array>((resolve) => {
    const id = next++;
    waiting.set(id, resolve);
    worker.postMessage({ id, data: input, dims });
  });

await serve(
  async () => {
    const outputs = await Promise.all(workers.map(ask));
    const mean = new Float32Array(outputs[0]!.length);
    for (const output of outputs)
      for (let i = 0; i < mean.length; i++) mean[i] = mean[i]! + output[i]! / outputs.length;
    return argmax(mean);
  },
  async () => {
    await Promise.all(workers.map((w) => w.terminate()));
  },
);
