/**
 * Worker entry of the fusion actor: reads the K outputs straight from the arena (shared views, no
 * copy), runs the fusion kernel, and writes the fused tensor into the arena.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { FromFusionWorker, ToFusionWorker } from '../actor/protocol.js';
import { serializeError } from '../errors.js';
import { Arena, type ArenaHandle } from '../tensor/index.js';
import { TensorFusion } from './fuse-tensors.js';

const port = parentPort;
if (!port) throw new Error('fusion-worker.ts must run on a worker thread');
const { arena: handle, actor } = workerData as { arena: ArenaHandle; actor: string };
const arena = Arena.attach(handle);
const post = (message: FromFusionWorker) => port.postMessage(message);
arena.onSlabCreated(({ id, buffer }) => post({ type: 'slab', slab: id, buffer }));
const fusion = new TensorFusion(arena);

port.on('message', (message: ToFusionWorker) => {
  if (message.type === 'slab') {
    arena.attachSlab(message.slab, message.buffer);
    return;
  }
  try {
    post({
      type: 'fused',
      id: message.id,
      reply: fusion.fuse(message.request, `actor "${actor}"`),
    });
  } catch (error) {
    post({ type: 'failure', id: message.id, error: serializeError(error) });
  }
});
post({ type: 'ready' });
