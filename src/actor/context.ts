import type { EventEmitter } from 'eventemitter3';
import type { Arena } from '../tensor/index.js';
import type { Admission } from './admission.js';
import type { RuntimeEvents } from './events.js';
import type { SlabExchange } from './slab-exchange.js';

/** What an actor needs from the runtime that owns it. */
export interface ActorContext {
  readonly arena: Arena;
  readonly slabs: SlabExchange;
  readonly events: EventEmitter<RuntimeEvents>;
  /**
   * How many nice levels below the process the actors' worker threads run (Linux; see
   * src/util/thread-priority.ts). Absent or 0: they keep the process's priority.
   */
  readonly workerNice?: number;
  /** Whether callers poll for answers expected soon (RoundtableOptions.pollForAnswers). */
  readonly pollForAnswers?: boolean;
  /** The count of model workers awake, one for the runtime (see src/engines/onnx/doorbell/doorbell-spin.ts). */
  readonly awakeWorkers: SharedArrayBuffer;
  /** Refuses direct calls once the runtime's close began (absent: an actor on its own). */
  readonly admission?: Admission;
}
