import type { ActorContext } from '../../actor/context.js';
import { ActorWorker, errorText } from '../../actor/core/actor-worker.js';
import { type Tenant, WorkerActorCore } from '../../actor/core/worker-actor-core.js';
import type { DeathHandler } from '../../actor/supervision/supervisable.js';
import { ActorCrashedError, ModelLoadError, reviveError } from '../../errors.js';
import type {
  DecoderWorkerData,
  FromDecoderWorker,
  SequenceAnswer,
  ToDecoderWorker,
} from './decoder-protocol.js';

/** What a replica's worker said when it was ready. */
export type ReadyMessage = Extract<FromDecoderWorker, { type: 'ready' }>;

/** A message's answer: the sequence's state after it, or nothing (a sequence closed). */
export type Reply = SequenceAnswer | undefined;

/** Messages that expect an answer: every one is answered exactly once (reply, failure or death). */
export type Asked = Extract<ToDecoderWorker, { id: number }>;

/** The core that carries one replica slot of a decoder actor (its workers, one at a time). */
export type ReplicaCore = WorkerActorCore<DecoderReplica>;

/**
 * One worker of a decoder actor, holding the sequences pinned to it. Its life (spawn, ready
 * handshake, native guard, exit) is an {@link ActorWorker}; its calls are settled by the
 * {@link WorkerActorCore} of its replica slot. Its port is its queue: the worker takes messages in
 * order, one at a time. A restart brings a new DecoderReplica into the slot, without the
 * sequences: those died with the old one.
 */
export class DecoderReplica implements Tenant {
  readonly life: ActorWorker<ReadyMessage>;
  readonly index: number;

  private constructor(life: ActorWorker<ReadyMessage>, index: number) {
    this.life = life;
    this.index = index;
  }

  get ready(): ReadyMessage {
    return this.life.ready;
  }

  /** Starts a worker on `data.folder` and waits for its sessions to load. */
  static async launch(
    label: string,
    index: number,
    data: Omit<DecoderWorkerData, 'nativeGuard'>,
  ): Promise<DecoderReplica> {
    const life = await ActorWorker.start<ReadyMessage>({
      actor: data.actor,
      entry: new URL('./decoder-worker.js', import.meta.url),
      data: (shares): DecoderWorkerData => ({ ...data, nativeGuard: shares.guard }),
      // No slabs: a decoder's tokens and log-probabilities travel in its messages, not the arena.
      diedStarting: (code, error) =>
        new ModelLoadError(
          `${label}: worker exited (code ${code}) while loading${error ? `: ${errorText(error)}` : ''}`,
          { cause: error },
        ),
    });
    return new DecoderReplica(life, index);
  }

  /** Arms a fault on the worker (only obeyed when the actor was spawned with faultInjection). */
  fault(fault: 'exit'): void {
    this.life.worker.postMessage({ type: 'fault', fault } satisfies ToDecoderWorker);
  }
}

export interface ReplicaSpec {
  readonly actor: string;
  readonly index: number;
  readonly context: ActorContext;
  readonly data: Omit<DecoderWorkerData, 'nativeGuard'>;
  /** Where the slot's deaths go: the actor's restart policy, shared by its replicas. */
  readonly onDeath: DeathHandler;
}

/** Starts replica slot `index`: its first worker, and the core that carries its life. */
export function startReplica(spec: ReplicaSpec): Promise<ReplicaCore> {
  const label = `decoder "${spec.actor}"`;
  let core: ReplicaCore | undefined;
  return WorkerActorCore.start<DecoderReplica>({
    name: spec.actor,
    kind: 'model',
    context: spec.context,
    replica: spec.index,
    launch: () => DecoderReplica.launch(label, spec.index, spec.data),
    adopt: (replica) => replica.life.listen<FromDecoderWorker>((message) => settle(core, message)),
    // A sequence is pinned to its worker: nothing waits for a restart (see DecoderActor.#ask).
    waiting: undefined,
    where: (call) => `${label}: ${call.method}() (replica ${spec.index}, call ${call.id})`,
    policy: () => spec.onDeath,
  }).then((started) => {
    core = started;
    return started;
  });
}

/**
 * Sends the message `build` makes (given its id) to `replica`, which must be the slot's live
 * worker, and waits for its one answer: the reply, a failure, or ActorCrashedError when the
 * worker dies first.
 */
export function ask(
  core: ReplicaCore,
  replica: DecoderReplica,
  method: string,
  build: (id: number) => Asked,
): Promise<Reply> {
  return new Promise<Reply>((resolve, reject) => {
    const call = core.calls.open(method, {}, resolve, reject);
    if (!call) return;
    if (core.current !== replica) {
      core.calls.fail(
        call,
        new ActorCrashedError(
          `decoder "${core.name}": ${method}(): the worker of replica ${replica.index} is gone, and the sequences it held with it`,
        ),
      );
      return;
    }
    call.tag = replica;
    replica.life.worker.postMessage(build(call.id));
  });
}

/** A worker's reply settles its call; one for a call already answered is dropped (nothing to free). */
function settle(core: ReplicaCore | undefined, message: FromDecoderWorker): void {
  if (message.type === 'ready' || message.type === 'load-error' || !core) return;
  const call = core.calls.get(message.id);
  if (!call) return;
  if (message.type === 'failure') core.calls.fail(call, reviveError(message.error));
  else if (message.type === 'closed') core.calls.answer<Reply>(call, undefined);
  else {
    const { type: _type, id: _id, ...answer } = message;
    core.calls.answer<Reply>(call, answer);
  }
}
