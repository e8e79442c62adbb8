import { MessageChannel, type ResourceLimits, type Worker } from 'node:worker_threads';
import { type Remote, wrap } from 'comlink';
import { Holdings } from '../../actor/holdings.js';
import type { SlabMember } from '../../actor/slab-exchange.js';
import { createGuard, terminateGuarded } from '../../actor/worker-guard.js';
import { ActorError, reviveError, TimeoutError } from '../../errors.js';
import type { ActorContext } from '../../runtime/context.js';
import { spawnWorker } from '../../util/spawn-worker.js';
import { type ActorPort, actorPort } from './actor-port.js';
import type { CustomWorkerData, ExposedActor, FromCustomWorker } from './custom-protocol.js';

export type Ready = Extract<FromCustomWorker, { type: 'ready' }>;

export interface LaunchOptions {
  /** `href` of the user's module. */
  readonly module: string;
  readonly exportName: string | undefined;
  readonly options: unknown;
  readonly resourceLimits: ResourceLimits | undefined;
  readonly startTimeout: number;
}

/**
 * One worker of a custom actor, from spawn to exit. A custom actor that is restarted gets a new
 * incarnation; calls are tagged with the incarnation they were posted to, so a death answers
 * exactly those.
 */
export class Incarnation {
  readonly worker: Worker;
  readonly port: ActorPort;
  readonly member: SlabMember;
  readonly remote: Remote<ExposedActor>;
  readonly holdings: Holdings;
  readonly ready: Ready;
  readonly exited: Promise<number>;
  readonly #guard: Int32Array;
  /** Set when the runtime ends the worker on purpose (close, or a restart strategy). */
  ending = false;
  error: Error | undefined;

  private constructor(
    worker: Worker,
    port: ActorPort,
    member: SlabMember,
    data: CustomWorkerData,
    ready: Ready,
    exited: Promise<number>,
  ) {
    this.worker = worker;
    this.port = port;
    this.member = member;
    this.remote = wrap<ExposedActor>(port);
    this.holdings = new Holdings(data.holdings);
    this.#guard = new Int32Array(data.guard);
    this.ready = ready;
    this.exited = exited;
    worker.on('error', (error) => {
      this.error = error;
    });
  }

  /**
   * Starts a worker, loads the module and builds the actor.
   * @throws ActorError when the module cannot be loaded or its factory throws; TimeoutError when
   *   it takes longer than `startTimeout`.
   */
  static async launch(
    name: string,
    context: ActorContext,
    options: LaunchOptions,
  ): Promise<Incarnation> {
    const { port1, port2 } = new MessageChannel();
    const data: CustomWorkerData = {
      actor: name,
      module: options.module,
      exportName: options.exportName,
      options: options.options,
      arena: context.arena.handle(),
      port: port2,
      guard: createGuard(),
      holdings: Holdings.create(256).buffer,
      nice: context.workerNice ?? 0,
    };
    let worker: Worker;
    try {
      worker = spawnWorker(
        new URL('./custom-worker.js', import.meta.url),
        {
          workerData: data,
          transferList: [port2],
          ...(options.resourceLimits ? { resourceLimits: options.resourceLimits } : {}),
        },
        // A module written in TypeScript needs tsx in its worker.
        { loadTypeScript: /\.(ts|mts|cts)$/.test(new URL(options.module).pathname) },
      );
    } catch (cause) {
      port1.close();
      throw new ActorError(`actor "${name}": could not start its worker: ${String(cause)}`, {
        cause,
      });
    }
    const exited = new Promise<number>((resolve) => worker.on('exit', resolve));
    const port = actorPort(
      port1,
      (slab) => context.slabs.received(slab.slab, slab.buffer, member),
      'caller',
    );
    const member: SlabMember = { postMessage: (message) => port.announce(message) };
    // Joined before the worker is ready, so no slab made meanwhile goes unannounced to it.
    context.slabs.join(member);
    try {
      const ready = await started(name, worker, options.startTimeout);
      return new Incarnation(worker, port, member, data, ready, exited);
    } catch (error) {
      context.slabs.leave(member);
      worker.on('error', () => {}); // the startup error says it all; a late one must not throw here
      await terminateGuarded(worker, new Int32Array(data.guard), exited);
      port1.close();
      throw error;
    }
  }

  /** Ends the worker once it is outside every arena section (see worker-guard.ts). */
  async terminate(): Promise<void> {
    await terminateGuarded(this.worker, this.#guard, this.exited);
    await this.exited;
  }
}

/** Resolves with the worker's `ready`, or rejects with why it will never come. */
function started(name: string, worker: Worker, timeoutMs: number): Promise<Ready> {
  return new Promise<Ready>((resolve, reject) => {
    let error: Error | undefined;
    const finish = () => {
      clearTimeout(timer);
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    const onMessage = (message: FromCustomWorker) => {
      finish();
      if (message.type === 'ready') resolve(message);
      else reject(reviveError(message.error));
    };
    const onError = (cause: Error) => {
      error = cause;
    };
    const onExit = (code: number) => {
      finish();
      const why = error ? `: ${errorText(error)}` : '';
      reject(
        new ActorError(
          `actor "${name}": its worker exited with code ${code} while starting${why}`,
          {
            cause: error,
          },
        ),
      );
    };
    const timer = setTimeout(() => {
      finish();
      reject(new TimeoutError(`actor "${name}" did not start within ${timeoutMs} ms`));
    }, timeoutMs);
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
  });
}

/** An error's code (Node's, like ERR_WORKER_OUT_OF_MEMORY) or class name, and its message. */
export function errorText(error: Error): string {
  const code = (error as { code?: unknown }).code;
  return `${typeof code === 'string' ? code : error.name}: ${error.message}`;
}
