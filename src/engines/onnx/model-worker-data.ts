import type { ArenaHandle } from '../../tensor/index.js';

/** ONNX Runtime session options that can cross to a worker (plain data only). */
export interface SessionOptions {
  readonly intraOpNumThreads?: number;
  readonly interOpNumThreads?: number;
  readonly graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'layout' | 'all';
  readonly executionMode?: 'sequential' | 'parallel';
  readonly enableCpuMemArena?: boolean;
  readonly enableMemPattern?: boolean;
  readonly logSeverityLevel?: 0 | 1 | 2 | 3 | 4;
}

/** What a model worker is started with (its `workerData`). */
export interface ModelWorkerData {
  readonly actor: string;
  /** A file path, or the model's bytes. */
  readonly model: string | Uint8Array;
  readonly sessionOptions: SessionOptions;
  readonly arena: ArenaHandle;
  /**
   * One Int32 shared with the runtime (see worker-guard.ts): the worker holds it while inside ONNX
   * Runtime, and the runtime terminates the worker only once it has claimed it.
   */
  readonly nativeGuard: SharedArrayBuffer;
  /** The journal of outputs written but not yet handed over (see holdings.ts). */
  readonly holdings: SharedArrayBuffer;
  /**
   * The replica's doorbell (see doorbell.ts): runs arrive through it and the worker sleeps in
   * Atomics.wait between them. Absent: runs arrive as port messages.
   */
  readonly doorbell?: SharedArrayBuffer;
  /** The runtime's count of model workers awake (see doorbell-spin.ts). */
  readonly awake: SharedArrayBuffer;
  /** Nice levels below the process this thread lowers itself by (see thread-priority.ts). */
  readonly nice: number;
  /** Obey `fault` messages (tests and the soak only). */
  readonly faultInjection: boolean;
}
