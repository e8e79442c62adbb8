import type { ResourceLimits, TransferListItem, Worker } from 'node:worker_threads';
import {
  ActorError,
  type RoundtableError,
  reviveError,
  type SerializedError,
  TimeoutError,
} from '../../errors.js';
import type { Arena } from '../../tensor/index.js';
import { spawnWorker } from '../../util/spawn-worker.js';
import { Holdings, type Reclaimed } from '../holdings.js';
import type { SlabExchange, SlabMember } from '../slab-exchange.js';
import { createGuard, terminateGuarded } from '../worker-guard.js';

/** What every actor worker says at startup, on its own port: it is ready, or why it cannot be. */
export type Handshake<Ready> =
  | Ready
  | { readonly type: 'load-error'; readonly error: SerializedError };

/** The shared words every actor worker gets: its guard and its holdings journal. */
export interface WorkerShares {
  readonly guard: SharedArrayBuffer;
  readonly holdings: SharedArrayBuffer;
}

export interface ActorWorkerSpec {
  readonly actor: string;
  /** The worker's module, usually `new URL('./x-worker.js', import.meta.url)`. */
  readonly entry: URL;
  /** Its workerData, given the shared words it must carry (under the names its protocol uses). */
  readonly data: (shares: WorkerShares) => object;
  /** Slots of its holdings journal (see holdings.ts). */
  readonly holdingSlots?: number;
  readonly transferList?: readonly TransferListItem[];
  readonly resourceLimits?: ResourceLimits | undefined;
  /** The worker imports a user's TypeScript module (see spawn-worker.ts). */
  readonly loadTypeScript?: boolean;
  /** The arena's slab exchange; none for a worker that never touches the arena (a decoder's). */
  readonly slabs?: SlabExchange;
  /** Who slabs are posted to: the worker itself unless it takes them on another port. */
  readonly member?: (worker: Worker) => SlabMember;
  /** Milliseconds it has to say it is ready; unbounded when undefined. */
  readonly startTimeout?: number;
  /** The error a worker that exits before it is ready is rejected with. */
  readonly diedStarting: (code: number, error: Error | undefined) => RoundtableError;
}

/**
 * One worker thread of an actor, from spawn to exit: what every kind of actor (model replica,
 * custom, fusion, decoder) needs of its worker and would otherwise write again. It spawns the
 * worker, joins it to the slab exchange, waits for its ready handshake (or its load error, its
 * death, the start timeout), keeps the error it died of, tells its exit once, ends it only outside
 * a guarded section (the native guard: terminating inside ONNX Runtime aborts the process), and
 * gives back the arena blocks it wrote and never handed over.
 */
export class ActorWorker<Ready> {
  readonly worker: Worker;
  readonly ready: Ready;
  readonly guard: Int32Array;
  readonly holdings: Holdings;
  /** Settles with the exit code once the worker has exited. */
  readonly exited: Promise<number>;
  readonly member: SlabMember;
  /** Why it died, when the worker said (an uncaught error, ERR_WORKER_OUT_OF_MEMORY). */
  error: Error | undefined;
  /** Set when the runtime ends the worker on purpose: its exit is expected. */
  ending = false;
  readonly #slabs: SlabExchange | undefined;
  readonly #exits: ((code: number) => void)[] = [];
  #receive: (message: unknown) => void;

  private constructor(spawned: Spawned, ready: Ready, slabs: SlabExchange | undefined) {
    this.worker = spawned.worker;
    this.ready = ready;
    this.guard = spawned.guard;
    this.holdings = spawned.holdings;
    this.exited = spawned.exited;
    this.member = spawned.member;
    this.error = spawned.error;
    this.#slabs = slabs;
    this.#receive = spawned.early;
    spawned.worker.on('message', (message: unknown) => this.#receive(message));
    spawned.worker.on('error', (error) => {
      this.error = error; // the 'exit' that follows does the accounting
    });
    spawned.worker.on('exit', (code) => {
      this.#slabs?.leave(this.member);
      for (const listener of this.#exits) listener(code);
    });
  }

  /**
   * Spawns the worker and waits for its ready handshake.
   * @throws the worker's load error; `diedStarting` when it exits first; TimeoutError when it takes
   *   longer than `startTimeout`; ActorError when the thread cannot be started at all.
   */
  static async start<Ready extends { readonly type: 'ready' }>(
    spec: ActorWorkerSpec,
  ): Promise<ActorWorker<Ready>> {
    const spawned = spawn(spec);
    try {
      // Built inside the ready message's handler, so no message that follows it goes unheard.
      return await handshake<Ready, ActorWorker<Ready>>(
        spec,
        spawned,
        (ready) => new ActorWorker<Ready>(spawned, ready, spec.slabs),
      );
    } catch (error) {
      spec.slabs?.leave(spawned.member);
      spawned.worker.on('error', () => {}); // the startup error says it all
      await terminateGuarded(spawned.worker, spawned.guard, spawned.exited);
      throw error;
    }
  }

  /** From now on every message of the worker goes to `receive` (slabs included). */
  listen<Message>(receive: (message: Message) => void): void {
    this.#receive = receive as (message: unknown) => void;
  }

  /** Called once, synchronously, when the worker exits (after it left the slab exchange). */
  onExit(listener: (code: number) => void): void {
    this.#exits.push(listener);
  }

  /** Ends the worker once it is outside every guarded section, and waits for its exit. */
  async terminate(): Promise<void> {
    await terminateGuarded(this.worker, this.guard, this.exited);
    await this.exited;
  }

  /** Ends the worker on purpose: its exit is expected. */
  end(): Promise<void> {
    this.ending = true;
    return this.terminate();
  }

  /** Gives back what the dead worker wrote and never handed over (call after its exit). */
  reclaim(arena: Arena): Reclaimed {
    return this.holdings.reclaim(arena);
  }
}

interface Spawned {
  readonly worker: Worker;
  readonly guard: Int32Array;
  readonly holdings: Holdings;
  readonly exited: Promise<number>;
  readonly member: SlabMember;
  error: Error | undefined;
  /** Messages before the actor listens: slabs the worker made while it started. */
  readonly early: (message: unknown) => void;
}

function spawn(spec: ActorWorkerSpec): Spawned {
  const shares: WorkerShares = {
    guard: createGuard(),
    holdings: Holdings.create(spec.holdingSlots).buffer,
  };
  let worker: Worker;
  try {
    worker = spawnWorker(
      spec.entry,
      {
        workerData: spec.data(shares),
        ...(spec.transferList ? { transferList: [...spec.transferList] } : {}),
        ...(spec.resourceLimits ? { resourceLimits: spec.resourceLimits } : {}),
      },
      { loadTypeScript: spec.loadTypeScript ?? false },
    );
  } catch (cause) {
    throw new ActorError(`actor "${spec.actor}": could not start its worker: ${String(cause)}`, {
      cause,
    });
  }
  const member = spec.member ? spec.member(worker) : worker;
  // Joined before the worker is ready, so no slab made meanwhile goes unannounced to it.
  spec.slabs?.join(member);
  const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
  const spawned: Spawned = {
    worker,
    guard: new Int32Array(shares.guard),
    holdings: new Holdings(shares.holdings),
    exited,
    member,
    error: undefined,
    early: (message) => {
      const slab = message as { type?: string; slab: number; buffer: SharedArrayBuffer };
      if (slab.type === 'slab') spec.slabs?.received(slab.slab, slab.buffer, worker);
    },
  };
  return spawned;
}

/** Resolves with what `adopt` makes of the worker's `ready`, or rejects with why it will never come. */
function handshake<Ready extends { readonly type: 'ready' }, Started>(
  spec: ActorWorkerSpec,
  spawned: Spawned,
  adopt: (ready: Ready) => Started,
): Promise<Started> {
  const { worker } = spawned;
  return new Promise<Started>((resolve, reject) => {
    const finish = () => {
      clearTimeout(timer);
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    const onMessage = (message: Handshake<Ready> | { type: 'slab' }) => {
      if (message.type === 'ready') {
        finish();
        resolve(adopt(message as Ready));
      } else if (message.type === 'load-error') {
        finish();
        reject(reviveError((message as { error: SerializedError }).error));
      } else spawned.early(message);
    };
    const onError = (cause: Error) => {
      spawned.error = cause;
    };
    const onExit = (code: number) => {
      finish();
      reject(spec.diedStarting(code, spawned.error));
    };
    const timer =
      spec.startTimeout === undefined
        ? undefined
        : setTimeout(() => {
            finish();
            reject(
              new TimeoutError(
                `actor "${spec.actor}" did not start within ${spec.startTimeout} ms`,
              ),
            );
          }, spec.startTimeout);
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
