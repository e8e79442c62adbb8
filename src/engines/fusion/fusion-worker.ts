/**
 * Worker entry of the fusion actor: reads the K outputs straight from the arena (shared views, no
 * copy), runs the fusion kernel, and writes the fused tensor into the arena.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Holdings } from '../../actor/holdings.js';
import type { FromFusionWorker, ToFusionWorker } from '../../actor/protocol.js';
import { enterGuard, leaveGuard } from '../../actor/worker-guard.js';
import { serializeError } from '../../errors.js';
import { Arena, type ArenaHandle } from '../../tensor/index.js';
import { lowerThreadPriority } from '../../util/thread-priority.js';
import { TensorFusion } from './fuse-tensors.js';

export interface FusionWorkerData {
  readonly arena: ArenaHandle;
  readonly actor: string;
  /** See worker-guard.ts: held for each whole fusion, so the worker is never ended inside one. */
  readonly guard: SharedArrayBuffer;
  /** See holdings.ts: the fused tensor until its reply is delivered. */
  readonly holdings: SharedArrayBuffer;
  /** Nice levels below the process this thread lowers itself by (see thread-priority.ts). */
  readonly nice: number;
}

const port = parentPort;
if (!port) throw new Error('fusion-worker.ts must run on a worker thread');
const data = workerData as FusionWorkerData;
lowerThreadPriority(data.nice);
const arena = Arena.attach(data.arena);
const guard = new Int32Array(data.guard);
const holdings = new Holdings(data.holdings);
const post = (message: FromFusionWorker) => port.postMessage(message);
arena.onSlabCreated(({ id, buffer }) => post({ type: 'slab', slab: id, buffer }));
const fusion = new TensorFusion(arena);

port.on('message', (message: ToFusionWorker) => {
  if (message.type === 'slab') {
    arena.attachSlab(message.slab, message.buffer);
    return;
  }
  // A fusion is short and bounded: the whole of it is one guarded section, the arena's locks and
  // the journaling of its output included. Refused only while the runtime is ending this worker.
  if (!enterGuard(guard)) return;
  try {
    const reply = fusion.fuse(message.request, `actor "${data.actor}"`);
    holdings.hold(reply.output);
    post({ type: 'fused', id: message.id, reply, held: holdings.handOff([reply.output]) });
  } catch (error) {
    post({ type: 'failure', id: message.id, error: serializeError(error) });
  } finally {
    leaveGuard(guard);
  }
});
post({ type: 'ready' });
