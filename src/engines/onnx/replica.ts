import type { Worker } from 'node:worker_threads';
import type { FromWorker, IoMetadata, RunStats, ToWorker } from '../../actor/protocol.js';
import type { SlabExchange } from '../../actor/slab-exchange.js';
import {
  ActorCrashedError,
  ModelLoadError,
  type RoundtableError,
  reviveError,
} from '../../errors.js';
import type { TensorDescriptor } from '../../tensor/index.js';
import { spawnWorker } from '../../util/spawn-worker.js';
import type { ModelWorkerData } from './model-worker-data.js';

export interface ReplicaReply {
  readonly outputs: Record<string, TensorDescriptor>;
  readonly stats: RunStats;
}

/**
 * States of the guard word shared with a model worker. Terminating a worker while onnxruntime-node
 * is inside a native call (loading, running, releasing a session) aborts the whole process: the
 * binding throws a C++ exception once the thread's environment is torn down ("terminate called
 * after throwing an instance of 'Napi::Error'", seen here with 1.30). So the runtime claims the
 * word (IDLE → TERMINATING) before it terminates, and the worker claims it (IDLE → NATIVE) before
 * each native call; whoever loses waits or stands down.
 */
export const NATIVE_GUARD = { IDLE: 0, NATIVE: 1, TERMINATING: 2 } as const;

interface InFlight {
  readonly id: number;
  readonly resolve: (reply: ReplicaReply) => void;
  readonly reject: (error: RoundtableError) => void;
}

/**
 * One worker thread running one ONNX Runtime session: the unit a model actor schedules onto.
 * At most one message is in flight on a replica (ONNX Runtime's run blocks its thread anyway), so
 * when the worker dies exactly that message is answered with an ActorCrashedError.
 */
export class Replica {
  readonly index: number;
  readonly actor: string;
  readonly inputs: readonly IoMetadata[];
  readonly outputs: readonly IoMetadata[];
  readonly #worker: Worker;
  readonly #slabs: SlabExchange;
  readonly #guard: Int32Array;
  #inFlight: InFlight | undefined;
  #alive = true;
  #closing = false;
  #onExit: (code: number, expected: boolean) => void = () => {};

  private constructor(
    actor: string,
    index: number,
    worker: Worker,
    slabs: SlabExchange,
    guard: SharedArrayBuffer,
    ready: Extract<FromWorker, { type: 'ready' }>,
  ) {
    this.index = index;
    this.actor = actor;
    this.#worker = worker;
    this.#slabs = slabs;
    this.#guard = new Int32Array(guard);
    this.inputs = ready.inputs;
    this.outputs = ready.outputs;
    worker.on('message', (message: FromWorker) => this.#receive(message));
    worker.on('error', () => {}); // the 'exit' that follows does the accounting
    worker.on('exit', (code) => this.#exited(code));
  }

  /** Starts the worker and waits until its session has loaded (or failed to). */
  static start(
    index: number,
    options: Omit<ModelWorkerData, 'nativeGuard'>,
    slabs: SlabExchange,
  ): Promise<Replica> {
    const data: ModelWorkerData = { ...options, nativeGuard: new SharedArrayBuffer(4) };
    const worker = spawnWorker(new URL('./model-worker.js', import.meta.url), { workerData: data });
    slabs.join(worker);
    return new Promise<Replica>((resolve, reject) => {
      let settled = false;
      const fail = (error: RoundtableError) => {
        if (settled) return;
        settled = true;
        slabs.leave(worker);
        void terminateSafely(worker, new Int32Array(data.nativeGuard));
        reject(error);
      };
      const onMessage = (message: FromWorker) => {
        if (message.type === 'slab') slabs.received(message.slab, message.buffer, worker);
        else if (message.type === 'load-error') fail(reviveError(message.error));
        else if (message.type === 'ready' && !settled) {
          settled = true;
          worker.off('message', onMessage);
          worker.off('error', onError);
          worker.off('exit', onExit);
          resolve(new Replica(data.actor, index, worker, slabs, data.nativeGuard, message));
        }
      };
      const onError = (error: Error) =>
        fail(
          new ModelLoadError(
            `actor "${data.actor}": the model worker failed while starting: ${error.message}`,
          ),
        );
      const onExit = (code: number) =>
        fail(
          new ModelLoadError(
            `actor "${data.actor}": the model worker exited with code ${code} while starting`,
          ),
        );
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
    });
  }

  get busy(): boolean {
    return this.#inFlight !== undefined;
  }

  get alive(): boolean {
    return this.#alive;
  }

  /** Called once when the worker exits; `expected` is true after {@link close}. */
  onExit(listener: (code: number, expected: boolean) => void): void {
    this.#onExit = listener;
  }

  run(id: number, feeds: Record<string, TensorDescriptor>): Promise<ReplicaReply> {
    return new Promise<ReplicaReply>((resolve, reject) => {
      this.#inFlight = { id, resolve, reject };
      this.#post({ type: 'run', id, feeds });
    });
  }

  /** Ends the worker. A message still in flight is answered with ActorCrashedError by the exit. */
  async close(): Promise<void> {
    if (!this.#alive) return;
    this.#closing = true;
    await terminateSafely(this.#worker, this.#guard);
  }

  /** Kills the worker as a fault would (tests and fault injection). */
  async kill(): Promise<void> {
    await terminateSafely(this.#worker, this.#guard);
  }

  #post(message: ToWorker): void {
    this.#worker.postMessage(message);
  }

  #receive(message: FromWorker): void {
    switch (message.type) {
      case 'slab':
        this.#slabs.received(message.slab, message.buffer, this.#worker);
        return;
      case 'result':
      case 'failure': {
        const flight = this.#inFlight;
        if (!flight || flight.id !== message.id) return;
        this.#inFlight = undefined;
        if (message.type === 'result')
          flight.resolve({ outputs: message.outputs, stats: message.stats });
        else flight.reject(reviveError(message.error));
        return;
      }
      default:
        return;
    }
  }

  #exited(code: number): void {
    this.#alive = false;
    this.#slabs.leave(this.#worker);
    const flight = this.#inFlight;
    this.#inFlight = undefined;
    flight?.reject(
      new ActorCrashedError(
        `actor "${this.actor}": replica ${this.index} died (exit code ${code}) while running message ${flight.id}`,
      ),
    );
    this.#onExit(code, this.#closing);
  }
}

/** Terminates a model worker once it is outside ONNX Runtime, and keeps it from going back in. */
async function terminateSafely(worker: Worker, guard: Int32Array): Promise<void> {
  while (
    Atomics.compareExchange(guard, 0, NATIVE_GUARD.IDLE, NATIVE_GUARD.TERMINATING) ===
    NATIVE_GUARD.NATIVE
  ) {
    const wait = Atomics.waitAsync(guard, 0, NATIVE_GUARD.NATIVE, 1_000);
    if (wait.async) await wait.value;
  }
  await worker.terminate();
}
