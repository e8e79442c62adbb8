/**
 * The baseline the suites measure roundtable against: one model on a worker thread written by
 * hand (bench/fixtures/ask-worker.ts), asks matched to answers by id. No supervision, no
 * deadlines, no mailbox bound: the least a user must write to keep a model off the event loop.
 */
import type { Worker } from 'node:worker_threads';
import { spawnWorker } from '../src/util/spawn-worker.js';

export class HandWorker {
  readonly #worker: Worker;
  readonly #waiting = new Map<
    number,
    { resolve: (values: Float32Array) => void; reject: (error: Error) => void }
  >();
  #next = 0;

  private constructor(worker: Worker) {
    this.#worker = worker;
    worker.on('message', (message: { id: number; values?: Float32Array; error?: string }) => {
      const waiting = this.#waiting.get(message.id);
      this.#waiting.delete(message.id);
      if (message.error !== undefined)
        waiting?.reject(new Error(`hand-written worker: ${message.error}`));
      else waiting?.resolve(message.values!);
    });
  }

  /** Starts a worker on the model; `input` and `output` name its one input and one output. */
  static async start(model: Uint8Array, input: string, output: string): Promise<HandWorker> {
    const worker = spawnWorker(new URL('./fixtures/ask-worker.js', import.meta.url), {
      workerData: { model, input, output },
    });
    await new Promise<void>((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('error', reject);
    });
    return new HandWorker(worker);
  }

  ask(data: Float32Array | BigInt64Array, dims: readonly number[]): Promise<Float32Array> {
    const id = this.#next++;
    const dtype = data instanceof BigInt64Array ? 'int64' : 'float32';
    return new Promise((resolve, reject) => {
      this.#waiting.set(id, { resolve, reject });
      this.#worker.postMessage({ id, dtype, data, dims });
    });
  }

  async close(): Promise<void> {
    await this.#worker.terminate();
  }
}
