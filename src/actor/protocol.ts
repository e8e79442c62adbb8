/**
 * Every message that crosses a thread boundary between the runtime (main thread) and a worker that
 * hosts an actor. One tagged union per direction, in one file, so a reader sees the whole
 * conversation at once. Tensors never travel here: only their descriptors into the arena.
 */
import type { SerializedError } from '../errors.js';
import type { TensorDescriptor } from '../tensor/index.js';
import type { FuseReply, FuseRequest } from './fuser.js';

/** What the runtime knows about one model input or output after the session loaded. */
export interface IoMetadata {
  readonly name: string;
  /** ONNX Runtime's element type ('float32', 'int64', …); undefined for a non-tensor value. */
  readonly dtype: string | undefined;
  /** Dimensions: a number is fixed, a string is symbolic (e.g. 'batch'), -1 is unknown. */
  readonly shape: ReadonlyArray<number | string> | undefined;
}

/** Counters a model worker reports with each result, so the caller can see the copies. */
export interface RunStats {
  /** Bytes copied from the arena into private staging buffers (onnxruntime-node refuses shared ones). */
  readonly copiedIn: number;
  /** Bytes copied from ONNX Runtime's output buffers into the arena. */
  readonly copiedOut: number;
  /** Wall time inside `session.run`, in milliseconds. */
  readonly runMs: number;
  /** Wall time of the whole message in the worker (checks, copies, run), in milliseconds. */
  readonly totalMs: number;
  /** Requests that shared this run (dynamic batching); absent for a run of its own. */
  readonly batch?: number;
}

/**
 * Faults a model worker can be told to commit on its next run, for tests and the soak (only when
 * the actor was spawned with `faultInjection`):
 * - 'exit': `process.exit` after the inputs are staged, before ONNX Runtime runs;
 * - 'exit-holding': `process.exit` after the outputs are written into the arena, before the reply
 *   that would hand them over is posted (the runtime must reclaim them);
 * - 'throw': an exception inside the run, as a bug in the worker's code would throw;
 * - 'oom': allocating until the worker's `resourceLimits` end it.
 */
export type ModelFault = 'exit' | 'exit-holding' | 'throw' | 'oom';

export type ToWorker =
  | { readonly type: 'run'; readonly id: number; readonly feeds: Record<string, TensorDescriptor> }
  | {
      /** Requests stacked along dimension 0 into one run, split back when written to the arena. */
      readonly type: 'run-batch';
      readonly id: number;
      readonly batch: readonly Record<string, TensorDescriptor>[];
    }
  | { readonly type: 'slab'; readonly slab: number; readonly buffer: SharedArrayBuffer }
  | { readonly type: 'fault'; readonly fault: ModelFault }
  | { readonly type: 'close' };

export type FromWorker =
  | {
      readonly type: 'ready';
      readonly inputs: readonly IoMetadata[];
      readonly outputs: readonly IoMetadata[];
    }
  | { readonly type: 'load-error'; readonly error: SerializedError }
  | {
      readonly type: 'result';
      readonly id: number;
      readonly outputs: Record<string, TensorDescriptor>;
      readonly stats: RunStats;
      /** Journal slots of the outputs (see holdings.ts), freed by the runtime on receipt. */
      readonly held: readonly number[];
    }
  | {
      readonly type: 'result-batch';
      readonly id: number;
      /** Each request's own rows, in the order of the batch. */
      readonly outputs: readonly Record<string, TensorDescriptor>[];
      readonly stats: RunStats;
      readonly held: readonly number[];
    }
  | { readonly type: 'failure'; readonly id: number; readonly error: SerializedError }
  | { readonly type: 'slab'; readonly slab: number; readonly buffer: SharedArrayBuffer };

/** Runtime → fusion worker. */
export type ToFusionWorker =
  | { readonly type: 'fuse'; readonly id: number; readonly request: FuseRequest }
  | { readonly type: 'slab'; readonly slab: number; readonly buffer: SharedArrayBuffer };

/** Fusion worker → runtime. */
export type FromFusionWorker =
  | { readonly type: 'ready' }
  | {
      readonly type: 'fused';
      readonly id: number;
      readonly reply: FuseReply;
      /** Journal slot of the fused tensor (see holdings.ts), freed by the runtime on receipt. */
      readonly held: readonly number[];
    }
  | { readonly type: 'failure'; readonly id: number; readonly error: SerializedError }
  | { readonly type: 'slab'; readonly slab: number; readonly buffer: SharedArrayBuffer };
