import type { ActorContext } from '../../actor/context.js';
import type { DeathHandler } from '../../actor/supervision/supervisable.js';
import { ActorStoppedError } from '../../errors.js';
import { faultInjectionOf } from '../onnx/fault-injection.js';
import { type ReplicaCore, startReplica } from './decoder-replica.js';
import type { DecoderOptions } from './decoder-types.js';
import type { DecoderFolder } from './model-folder.js';

/**
 * Starts a decoder actor's replicas (`options.replicas`, checked by the caller), all or none: when one cannot start, the others are stopped
 * and its error is thrown. `onDeath` takes a replica's death once the actor exists.
 */
export async function startReplicas(
  name: string,
  context: ActorContext,
  options: DecoderOptions,
  folder: DecoderFolder,
  onDeath: DeathHandler,
): Promise<ReplicaCore[]> {
  const started = await Promise.allSettled(
    Array.from({ length: options.replicas ?? 1 }, (_, index) =>
      startReplica({
        actor: name,
        index,
        context,
        data: workerData(name, context, options, folder),
        onDeath,
      }),
    ),
  );
  const failed = started.find((result) => result.status === 'rejected');
  const cores = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  if (failed || cores.some((core) => !core.current)) {
    // One replica could not start: the others are not kept.
    const reason = new ActorStoppedError(`decoder "${name}" did not start`);
    await Promise.all(cores.map((core) => core.stop(reason)));
    throw failed ? failed.reason : reason;
  }
  return cores;
}

function workerData(
  name: string,
  context: ActorContext,
  options: DecoderOptions,
  folder: DecoderFolder,
) {
  return {
    actor: name,
    folder,
    nice: context.workerNice ?? 0,
    faultInjection: faultInjectionOf(options),
    ...(options.intraOpNumThreads !== undefined
      ? { intraOpNumThreads: options.intraOpNumThreads }
      : {}),
  };
}
