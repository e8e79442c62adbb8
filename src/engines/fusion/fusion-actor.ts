import type { CallOptions } from '../../actor/call-options.js';
import type { ActorContext } from '../../actor/context.js';
import { ActorWorker } from '../../actor/core/actor-worker.js';
import type { Call } from '../../actor/core/call-ledger.js';
import { type Tenant, WorkerActorCore } from '../../actor/core/worker-actor-core.js';
import type { FuseReply, FuseRequest, Fuser } from '../../actor/fuser.js';
import type { FromFusionWorker, ToFusionWorker } from '../../actor/protocol.js';
import type { RestartOptions } from '../../actor/restart-budget.js';
import { ownPolicy } from '../../actor/supervision/own-policy.js';
import type { ActorHealth, ActorState } from '../../actor/supervision/supervisable.js';
import {
  ActorCrashedError,
  ActorStoppedError,
  type RoundtableError,
  reviveError,
} from '../../errors.js';
import { registerTestHooks } from '../test-hooks.js';
import type { FusionWorkerData } from './fusion-worker.js';

type Ready = Extract<FromFusionWorker, { type: 'ready' }>;

/** One worker of the fusion actor. */
interface FusionTenant extends Tenant {
  readonly life: ActorWorker<Ready>;
}

/**
 * The fusion actor: a worker of its own that combines model outputs in place in the arena, so the
 * fusion arithmetic never runs on the caller's event loop. Several fusions may be in flight; the
 * worker takes them in order. If it dies, every fusion posted to it is answered with
 * ActorCrashedError, the fused tensors it had written are reclaimed, and the worker is restarted
 * (within a restart budget); fusions asked for meanwhile wait for the new worker. All of that is
 * the actor core's (src/actor/core/worker-actor-core.ts): this class sends fusions and reads
 * their replies.
 */
export class FusionActor implements Fuser {
  readonly name: string;
  readonly #context: ActorContext;
  readonly #core: WorkerActorCore<FusionTenant>;

  private constructor(name: string, context: ActorContext, core: WorkerActorCore<FusionTenant>) {
    this.name = name;
    this.#context = context;
    this.#core = core;
    registerTestHooks(this, { kill: () => core.kill() });
  }

  static async spawn(
    name: string,
    context: ActorContext,
    restart?: RestartOptions,
  ): Promise<FusionActor> {
    let actor: FusionActor | undefined;
    const core = await WorkerActorCore.start<FusionTenant>({
      name,
      kind: 'fusion',
      context,
      launch: async () => ({ life: await FusionActor.#launch(name, context) }),
      adopt: (tenant) =>
        tenant.life.listen((message: FromFusionWorker) => actor!.#receive(tenant, message)),
      waiting: undefined,
      where: (call) => `actor "${name}": fusion ${call.id}`,
      observe: (call, error) =>
        context.events.emit('actor:message', {
          actor: name,
          ms: call.tag ? performance.now() - call.started : undefined,
          ...(error ? { code: (error as RoundtableError).code } : {}),
        }),
      policy: (self) => ownPolicy(self, restart),
    });
    actor = new FusionActor(name, context, core);
    return actor;
  }

  static #launch(name: string, context: ActorContext): Promise<ActorWorker<Ready>> {
    return ActorWorker.start<Ready>({
      actor: name,
      entry: new URL('./fusion-worker.js', import.meta.url),
      data: (shares): FusionWorkerData => ({
        arena: context.arena.handle(),
        actor: name,
        guard: shares.guard,
        holdings: shares.holdings,
        nice: context.workerNice ?? 0,
      }),
      holdingSlots: 256,
      slabs: context.slabs,
      diedStarting: (code, error) =>
        new ActorCrashedError(
          `actor "${name}": the fusion worker exited with code ${code} while starting${error ? `: ${error.message}` : ''}`,
          { cause: error },
        ),
    });
  }

  get state(): ActorState {
    return this.#core.state;
  }

  health(): ActorHealth {
    return this.#core.health();
  }

  fuse(request: FuseRequest, options: CallOptions = {}): Promise<FuseReply> {
    const refused = this.#core.refuse('fuse');
    if (refused) return refused;
    return new Promise<FuseReply>((resolve, reject) => {
      const call = this.#core.calls.open('fuse', options, resolve, reject);
      if (!call) return;
      this.#core.worker(call).then(
        (tenant) => {
          // Answered already (timed out or aborted while it waited for a worker): not sent.
          if (this.#core.calls.get(call.id) !== call) return;
          this.#post(tenant, { type: 'fuse', id: call.id, request });
        },
        (error: Error) => this.#core.calls.fail(call, error),
      );
    });
  }

  /**
   * Stops the actor: fusions still pending get `graceMs` to finish, then the worker is terminated
   * (outside any fusion) and what is left is answered with ActorStoppedError.
   */
  close(graceMs = 5_000): Promise<void> {
    return this.#core.close(
      graceMs,
      (call: Call<FusionTenant>) =>
        new ActorStoppedError(
          `actor "${this.name}" was closed while fusion ${call.id} was pending (it had ${graceMs} ms to finish)`,
        ),
    );
  }

  #post(tenant: FusionTenant, message: ToFusionWorker): void {
    tenant.life.worker.postMessage(message);
  }

  #receive(tenant: FusionTenant, message: FromFusionWorker): void {
    switch (message.type) {
      case 'slab':
        this.#context.slabs.received(message.slab, message.buffer, tenant.life.worker);
        return;
      case 'fused': {
        tenant.life.holdings.free(message.held);
        const call = this.#core.calls.get(message.id);
        // Answered already (timeout, abort, crash): the fused tensor has no owner but us.
        if (!call || !this.#core.calls.answer(call, message.reply)) {
          this.#context.arena.release(message.reply.output);
        }
        return;
      }
      case 'failure': {
        const call = this.#core.calls.get(message.id);
        if (call) this.#core.calls.fail(call, reviveError(message.error));
        return;
      }
      default:
        return;
    }
  }
}
