import type { Worker } from 'node:worker_threads';
import type { CallOptions } from '../actor/call-options.js';
import type { FromFusionWorker, ToFusionWorker } from '../actor/protocol.js';
import { RestartBudget } from '../actor/restart-budget.js';
import {
  AbortError,
  ActorCrashedError,
  ActorStoppedError,
  type RoundtableError,
  reviveError,
  TimeoutError,
} from '../errors.js';
import type { ActorContext } from '../runtime/context.js';
import { spawnWorker } from '../util/spawn-worker.js';
import type { FuseReply, FuseRequest, Fuser } from './fuser.js';

interface Pending {
  readonly resolve: (reply: FuseReply) => void;
  readonly reject: (error: RoundtableError) => void;
  readonly cleanup: () => void;
  done: boolean;
}

/**
 * The fusion actor: a worker of its own that combines model outputs in place in the arena, so the
 * fusion arithmetic never runs on the caller's event loop. Several fusions may be in flight; the
 * worker takes them in order. If it dies, every pending fusion is answered with
 * ActorCrashedError and the worker is restarted (within a restart budget).
 */
export class FusionActor implements Fuser {
  readonly name: string;
  readonly #context: ActorContext;
  readonly #pending = new Map<number, Pending>();
  readonly #restarts = new RestartBudget();
  #worker: Worker;
  #ready: Promise<void>;
  #nextId = 1;
  #closed = false;
  #stopped: RoundtableError | undefined;

  private constructor(name: string, context: ActorContext) {
    this.name = name;
    this.#context = context;
    [this.#worker, this.#ready] = this.#start();
  }

  static async spawn(name: string, context: ActorContext): Promise<FusionActor> {
    const actor = new FusionActor(name, context);
    await actor.#ready;
    return actor;
  }

  fuse(request: FuseRequest, options: CallOptions = {}): Promise<FuseReply> {
    if (this.#stopped)
      return Promise.reject(
        new ActorStoppedError(`actor "${this.name}" has stopped: ${this.#stopped.message}`),
      );
    return new Promise<FuseReply>((resolve, reject) => {
      const id = this.#nextId++;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const onAbort = () =>
        this.#settle(id, new AbortError(`actor "${this.name}": fusion ${id} was aborted`));
      const pending: Pending = {
        resolve,
        reject,
        done: false,
        cleanup: () => {
          if (timer) clearTimeout(timer);
          options.signal?.removeEventListener('abort', onAbort);
        },
      };
      this.#pending.set(id, pending);
      if (options.signal?.aborted) return onAbort();
      options.signal?.addEventListener('abort', onAbort, { once: true });
      if (options.timeout !== undefined) {
        timer = setTimeout(
          () =>
            this.#settle(
              id,
              new TimeoutError(
                `actor "${this.name}": fusion ${id} timed out after ${options.timeout} ms`,
              ),
            ),
          options.timeout,
        );
      }
      void this.#ready.then(() => this.#post({ type: 'fuse', id, request }));
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#stopped ??= new ActorStoppedError(`actor "${this.name}" was closed`);
    await this.#worker.terminate();
  }

  #start(): [Worker, Promise<void>] {
    const worker = spawnWorker(new URL('./fusion-worker.js', import.meta.url), {
      workerData: { arena: this.#context.arena.handle(), actor: this.name },
    });
    this.#context.slabs.join(worker);
    const ready = new Promise<void>((resolve) => {
      worker.on('message', (message: FromFusionWorker) => {
        switch (message.type) {
          case 'ready':
            this.#context.events.emit('actor:started', { actor: this.name, replica: 0 });
            resolve();
            return;
          case 'slab':
            this.#context.slabs.received(message.slab, message.buffer, worker);
            return;
          case 'fused':
            this.#settle(message.id, undefined, message.reply);
            return;
          case 'failure':
            this.#settle(message.id, reviveError(message.error));
            return;
        }
      });
    });
    worker.on('error', () => {}); // 'exit' follows and does the accounting
    worker.on('exit', (code) => void this.#exited(worker, code));
    return [worker, ready];
  }

  #post(message: ToFusionWorker): void {
    this.#worker.postMessage(message);
  }

  #settle(id: number, error: RoundtableError | undefined, reply?: FuseReply): void {
    const pending = this.#pending.get(id);
    if (!pending) {
      // Answered already (timeout, abort, crash): the fused tensor has no owner but us.
      if (reply) this.#context.arena.release(reply.output);
      return;
    }
    this.#pending.delete(id);
    pending.cleanup();
    if (error) pending.reject(error);
    else pending.resolve(reply!);
  }

  async #exited(worker: Worker, code: number): Promise<void> {
    this.#context.slabs.leave(worker);
    this.#context.events.emit('actor:exited', {
      actor: this.name,
      replica: 0,
      exitCode: code,
      expected: this.#closed,
    });
    for (const id of [...this.#pending.keys()]) {
      this.#settle(
        id,
        new ActorCrashedError(
          `actor "${this.name}": the fusion worker died (exit code ${code}) with fusion ${id} pending`,
        ),
      );
    }
    if (this.#closed) return;
    const delayMs = this.#restarts.next();
    if (delayMs === undefined) {
      this.#stopped = new ActorStoppedError(
        `actor "${this.name}" stopped: ${this.#restarts.describe()}`,
      );
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    if (this.#closed) return;
    [this.#worker, this.#ready] = this.#start();
    this.#context.events.emit('actor:restarted', {
      actor: this.name,
      replica: 0,
      attempt: this.#restarts.attempts,
      delayMs,
    });
  }
}
