import type { CustomActor } from '../../engines/js/index.js';
import type { Roundtable } from '../../runtime/roundtable.js';
import { actorModule } from '../actor-module.js';
import type { createActor, TmActorOptions } from './tm-actor.js';
import type { TmHit, TmOffer } from './tm-hit.js';

type TmActorObject = ReturnType<typeof createActor>;

/**
 * The caller's side of the translation-memory actor: before the models, `lookup` says whether an
 * exact match answers (no model runs) or a fuzzy one can serve as a hint; after them, `store`
 * keeps an accepted translation. The memory runs on the actor's worker.
 */
export class TmActor {
  readonly name: string;
  readonly from: string;
  readonly to: string;
  readonly #actor: CustomActor<TmActorObject>;

  private constructor(actor: CustomActor<TmActorObject>, options: TmActorOptions) {
    this.#actor = actor;
    this.name = actor.name;
    this.from = options.from;
    this.to = options.to;
  }

  static async spawn(runtime: Roundtable, name: string, options: TmActorOptions): Promise<TmActor> {
    const actor = await runtime.spawnCustom<TmActorObject>(name, {
      module: actorModule('./tm-actor.js', import.meta.url),
      options,
    });
    return new TmActor(actor, options);
  }

  lookup(text: string): Promise<TmHit> {
    return this.#actor.ref.lookup(text);
  }

  store(offer: TmOffer): Promise<boolean> {
    return this.#actor.ref.store(offer);
  }

  addMany(
    pairs: readonly { source: string; target: string }[],
  ): Promise<{ added: number; duplicates: number }> {
    return this.#actor.ref.addMany(pairs);
  }

  segments(): Promise<number> {
    return this.#actor.ref.segments();
  }

  /** Closes the database (the runtime stops the worker when it closes). */
  close(): Promise<void> {
    return this.#actor.ref.close();
  }
}
