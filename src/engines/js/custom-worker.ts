/**
 * Worker entry of a custom actor: maps the arena, loads the user's module, builds the actor and
 * exposes it through comlink on the actor port (see custom-protocol.ts for why a dedicated port).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { expose } from 'comlink';
import { guardedArena } from '../../actor/guarded-arena.js';
import { Holdings } from '../../actor/holdings.js';
import { ActorError, serializeError } from '../../errors.js';
import { Arena, type HostTensor, type TensorDescriptor } from '../../tensor/index.js';
import { lowerThreadPriority } from '../../util/thread-priority.js';
import { actorPort } from './actor-port.js';
import { buildActor } from './build-actor.js';
import type { CustomActorContext } from './custom-actor-module.js';
import type { CustomWorkerData, ExposedActor, FromCustomWorker } from './custom-protocol.js';
import { runShared, viewOf } from './shared-run.js';

const control = parentPort;
if (!control) throw new Error('custom-worker.ts must run on a worker thread');
const data = workerData as CustomWorkerData;
lowerThreadPriority(data.nice);
const raw = Arena.attach(data.arena);
const journal = { guard: new Int32Array(data.guard), holdings: new Holdings(data.holdings) };
// What the user's code sees: the runtime does not end this worker while it is inside the arena.
const arena = guardedArena(raw, journal.guard, data.actor);
const port = actorPort(
  data.port,
  (message) => raw.attachSlab(message.slab, message.buffer),
  'worker',
);
const report = (message: FromCustomWorker) => control.postMessage(message);

// A slab made here must reach the runtime ahead of the reply that carries a descriptor into it:
// both travel on the actor port, which keeps order.
raw.onSlabCreated(({ id, buffer }) => port.announce({ type: 'slab', slab: id, buffer }));

const context: CustomActorContext = {
  name: data.actor,
  options: data.options,
  arena,
  view: (descriptor) => viewOf(arena, descriptor),
  read: (descriptor) => arena.readTensor(descriptor),
  write: (tensor: HostTensor) => arena.writeTensor(tensor.dtype, tensor.dims, tensor.data as never),
  release: (descriptor) => arena.release(descriptor),
};

try {
  const where = `actor "${data.actor}" (module ${data.module})`;
  const module = (await import(data.module)) as Record<string, unknown>;
  const built = await buildActor(module, data.exportName, context, where);
  const exposed: ExposedActor = {
    actor: built.actor,
    runShared: (feeds: Record<string, TensorDescriptor>) =>
      runShared(data.actor, raw, built.actor, feeds, journal),
  };
  expose(exposed, port);
  report({ type: 'ready', methods: built.methods, signature: built.signature });
} catch (cause) {
  const reason = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
  const error = new ActorError(`actor "${data.actor}" could not start: ${reason}`);
  report({ type: 'load-error', error: serializeError(error) });
}
