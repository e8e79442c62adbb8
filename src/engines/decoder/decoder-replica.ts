import type { Worker } from 'node:worker_threads';
import { createGuard, terminateGuarded } from '../../actor/worker-guard.js';
import {
  ActorCrashedError,
  ActorStoppedError,
  ModelLoadError,
  type RoundtableError,
  reviveError,
} from '../../errors.js';
import { spawnWorker } from '../../util/spawn-worker.js';
import type {
  DecoderWorkerData,
  FromDecoderWorker,
  SequenceAnswer,
  ToDecoderWorker,
} from './decoder-protocol.js';

/** What a replica's worker said when it was ready. */
export type ReadyMessage = Extract<FromDecoderWorker, { type: 'ready' }>;

type Reply = SequenceAnswer | undefined;

interface Pending {
  readonly resolve: (reply: Reply) => void;
  readonly reject: (error: RoundtableError) => void;
}

/** Messages that expect an answer: every one is answered exactly once (reply, failure or death). */
type Asked = Extract<ToDecoderWorker, { id: number }>;

/**
 * One worker of a decoder actor, holding the sequences pinned to it. Its port is its queue: the
 * worker takes messages in order, one at a time. When the worker dies every message it had not
 * answered gets ActorCrashedError, and so does the actor's every later use of its sequences
 * (their state died with it).
 */
export class DecoderReplica {
  readonly index: number;
  readonly ready: ReadyMessage;
  readonly #worker: Worker;
  readonly #guard: Int32Array;
  readonly #pending = new Map<number, Pending>();
  readonly #exited: Promise<number>;
  readonly #label: string;
  #expected = false;
  #dead: RoundtableError | undefined;

  private constructor(
    label: string,
    index: number,
    worker: Worker,
    guard: Int32Array,
    ready: ReadyMessage,
    onDeath: (replica: DecoderReplica, exitCode: number, error: RoundtableError) => void,
  ) {
    this.#label = label;
    this.index = index;
    this.#worker = worker;
    this.#guard = guard;
    this.ready = ready;
    worker.on('message', (message: FromDecoderWorker) => this.#receive(message));
    worker.on('error', () => {
      // The exit that follows answers the pending messages.
    });
    this.#exited = new Promise((resolve) => {
      worker.on('exit', (code) => {
        const error = this.#expected
          ? new ActorStoppedError(`${this.#label} replica ${index} was closed`)
          : new ActorCrashedError(
              `${this.#label}: the worker of replica ${index} died (exit code ${code}); its sequences' caches are lost`,
            );
        this.#dead = error;
        for (const pending of this.#pending.values()) pending.reject(error);
        this.#pending.clear();
        if (!this.#expected) onDeath(this, code, error);
        resolve(code);
      });
    });
  }

  /** Starts a worker on `data.folder` and waits for its sessions to load. */
  static async start(
    label: string,
    index: number,
    data: Omit<DecoderWorkerData, 'nativeGuard'>,
    onDeath: (replica: DecoderReplica, exitCode: number, error: RoundtableError) => void,
  ): Promise<DecoderReplica> {
    const nativeGuard = createGuard();
    const worker = spawnWorker(new URL('./decoder-worker.js', import.meta.url), {
      workerData: { ...data, nativeGuard } satisfies DecoderWorkerData,
    });
    const ready = await new Promise<ReadyMessage>((resolve, reject) => {
      const done = () => {
        worker.off('message', onMessage);
        worker.off('exit', onExit);
        worker.off('error', onError);
      };
      const onMessage = (message: FromDecoderWorker) => {
        if (message.type === 'ready') {
          done();
          resolve(message);
        } else if (message.type === 'load-error') {
          done();
          reject(reviveError(message.error));
        }
      };
      const onExit = (code: number) => {
        done();
        reject(new ModelLoadError(`${label}: worker exited (code ${code}) while loading`));
      };
      const onError = (error: Error) => {
        done();
        reject(new ModelLoadError(`${label}: worker failed while loading: ${error.message}`));
      };
      worker.on('message', onMessage);
      worker.on('exit', onExit);
      worker.on('error', onError);
    }).catch(async (error: unknown) => {
      await worker.terminate();
      throw error;
    });
    return new DecoderReplica(label, index, worker, new Int32Array(nativeGuard), ready, onDeath);
  }

  get alive(): boolean {
    return this.#dead === undefined;
  }

  get inFlight(): number {
    return this.#pending.size;
  }

  /** Sends a message and waits for its one answer. */
  ask(message: Asked): Promise<Reply> {
    if (this.#dead) return Promise.reject(this.#dead);
    return new Promise<Reply>((resolve, reject) => {
      this.#pending.set(message.id, { resolve, reject });
      this.#worker.postMessage(message);
    });
  }

  /** Arms a fault on the worker (only obeyed when the actor was spawned with faultInjection). */
  fault(fault: 'exit'): void {
    if (!this.#dead) this.#worker.postMessage({ type: 'fault', fault } satisfies ToDecoderWorker);
  }

  async close(): Promise<void> {
    if (this.#dead) return;
    this.#expected = true;
    await terminateGuarded(this.#worker, this.#guard, this.#exited);
    await this.#exited;
  }

  #receive(message: FromDecoderWorker): void {
    if (message.type === 'ready' || message.type === 'load-error') return;
    const pending = this.#pending.get(message.id);
    if (!pending) return;
    this.#pending.delete(message.id);
    if (message.type === 'failure') pending.reject(reviveError(message.error));
    else if (message.type === 'closed') pending.resolve(undefined);
    else {
      const { type: _type, id: _id, ...answer } = message;
      pending.resolve(answer);
    }
  }
}
