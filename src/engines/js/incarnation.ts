import { MessageChannel, type ResourceLimits } from 'node:worker_threads';
import { type Remote, wrap } from 'comlink';
import type { ActorContext } from '../../actor/context.js';
import { ActorWorker, errorText } from '../../actor/core/actor-worker.js';
import type { Tenant } from '../../actor/core/worker-actor-core.js';
import type { SlabMember } from '../../actor/slab-exchange.js';
import { ActorError } from '../../errors.js';
import { type ActorPort, actorPort } from './actor-port.js';
import type { CustomWorkerData, ExposedActor, FromCustomWorker } from './custom-protocol.js';

export type Ready = Extract<FromCustomWorker, { type: 'ready' }>;

export interface LaunchOptions {
  /** `href` of the user's module. */
  readonly module: string;
  readonly exportName: string | undefined;
  readonly options: unknown;
  readonly resourceLimits: ResourceLimits | undefined;
  readonly startTimeout: number;
}

/**
 * One worker of a custom actor: its life (see actor-worker.ts) and the comlink port the actor's
 * calls go through. A custom actor that is restarted gets a new incarnation; calls are tagged
 * with the incarnation they were posted to, so a death answers exactly those.
 */
export class Incarnation implements Tenant {
  readonly life: ActorWorker<Ready>;
  readonly port: ActorPort;
  readonly remote: Remote<ExposedActor>;

  private constructor(life: ActorWorker<Ready>, port: ActorPort) {
    this.life = life;
    this.port = port;
    this.remote = wrap<ExposedActor>(port);
  }

  get ready(): Ready {
    return this.life.ready;
  }

  /**
   * Starts a worker, loads the module and builds the actor.
   * @throws ActorError when the module cannot be loaded or its factory throws; TimeoutError when
   *   it takes longer than `startTimeout`.
   */
  static async launch(
    name: string,
    context: ActorContext,
    options: LaunchOptions,
  ): Promise<Incarnation> {
    const { port1, port2 } = new MessageChannel();
    let member: SlabMember | undefined;
    const port = actorPort(
      port1,
      (slab) => context.slabs.received(slab.slab, slab.buffer, member!),
      'caller',
    );
    try {
      const life = await ActorWorker.start<Ready>({
        actor: name,
        entry: new URL('./custom-worker.js', import.meta.url),
        data: (shares): CustomWorkerData => ({
          actor: name,
          module: options.module,
          exportName: options.exportName,
          options: options.options,
          arena: context.arena.handle(),
          port: port2,
          guard: shares.guard,
          holdings: shares.holdings,
          nice: context.workerNice ?? 0,
        }),
        holdingSlots: 256,
        transferList: [port2],
        resourceLimits: options.resourceLimits,
        // A module written in TypeScript needs tsx in its worker.
        loadTypeScript: /\.(ts|mts|cts)$/.test(new URL(options.module).pathname),
        slabs: context.slabs,
        // Slabs travel on the actor's own port, ahead of any call that uses them.
        member: () => {
          member = { postMessage: (message) => port.announce(message) };
          return member;
        },
        startTimeout: options.startTimeout,
        diedStarting: (code, error) =>
          new ActorError(
            `actor "${name}": its worker exited with code ${code} while starting${error ? `: ${errorText(error)}` : ''}`,
            { cause: error },
          ),
      });
      return new Incarnation(life, port);
    } catch (error) {
      port1.close();
      throw error;
    }
  }

  drain(): void {
    this.port.drain();
  }

  close(): void {
    this.port.close();
  }
}
