/**
 * Everything that crosses between the runtime and a custom actor's worker, in one place.
 *
 * Two channels, on purpose:
 * - the worker's `parentPort` carries its lifecycle: one `ready` or one `load-error` at startup;
 * - a dedicated `MessagePort` (the actor port) carries comlink's calls and replies, and the slab
 *   announcements of both sides. Slabs travel on the actor port, not on `parentPort`, because a
 *   descriptor into a new slab rides a comlink message: only one port keeps the announcement ahead
 *   of it (two ports give no order between each other).
 */
import type { MessagePort } from 'node:worker_threads';
import type { IoMetadata, RunStats } from '../../actor/protocol.js';
import type { SerializedError } from '../../errors.js';
import type { ArenaHandle, TensorDescriptor } from '../../tensor/index.js';

/** What a custom actor's worker is started with (its `workerData`). */
export interface CustomWorkerData {
  readonly actor: string;
  /** `href` of the user's module (a `file:` URL). */
  readonly module: string;
  /** The export to build the actor from; undefined for the default lookup (see custom-actor-module.ts). */
  readonly exportName: string | undefined;
  readonly options: unknown;
  readonly arena: ArenaHandle;
  /** The worker's end of the actor port; sent in the transfer list. */
  readonly port: MessagePort;
  /** See worker-guard.ts: held around arena sections, so the worker is not ended inside one. */
  readonly guard: SharedArrayBuffer;
  /** See holdings.ts: the outputs of `run` until their reply is delivered. */
  readonly holdings: SharedArrayBuffer;
  /** Nice levels below the process this thread lowers itself by (see thread-priority.ts). */
  readonly nice: number;
}

/** On `parentPort`, worker → runtime. */
export type FromCustomWorker =
  | {
      readonly type: 'ready';
      /** Names of the functions the actor object has (own and inherited, but not Object's). */
      readonly methods: readonly string[];
      readonly signature: { inputs: IoMetadata[]; outputs: IoMetadata[] } | undefined;
    }
  | { readonly type: 'load-error'; readonly error: SerializedError };

/** On the actor port, both ways, beside comlink's messages (which always carry an `id`). */
export interface SlabAnnouncement {
  readonly type: 'slab';
  readonly slab: number;
  readonly buffer: SharedArrayBuffer;
}

export function isSlabAnnouncement(message: unknown): message is SlabAnnouncement {
  return (
    typeof message === 'object' &&
    message !== null &&
    (message as { type?: unknown }).type === 'slab' &&
    !('id' in message)
  );
}

/**
 * The object the worker exposes through comlink: the user's actor under `actor`, and the
 * runtime's own entry points beside it, so user method names never collide with them.
 */
export interface ExposedActor {
  readonly actor: Record<string, unknown>;
  runShared(feeds: Record<string, TensorDescriptor>): Promise<SharedRunReply>;
}

export interface SharedRunReply {
  readonly outputs: Record<string, TensorDescriptor>;
  readonly stats: RunStats;
  /** Journal slots of the outputs, freed by the runtime on receipt. */
  readonly held: readonly number[];
}

/**
 * Marks the error a worker sends in place of a reply that structured clone refused, so the caller
 * can tell it from a DataCloneError the user's own code threw.
 */
export const UNCLONABLE_REPLY = 'roundtable:unclonable-reply';
