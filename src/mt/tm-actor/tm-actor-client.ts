import * as args from '../../actor/arguments.js';
import type { CustomActor } from '../../engines/js/index.js';
import type { Roundtable } from '../../runtime/roundtable.js';
import { actorModule } from '../actor-module.js';
import * as check from '../mt-arguments.js';
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
    runtime = check.runtime('TmActor.spawn', runtime);
    args.name('TmActor.spawn', 'name', name);
    options = check.tmActorOptions('TmActor.spawn', options);
    const actor = await runtime.spawnCustom<TmActorObject>(name, {
      module: actorModule('./tm-actor.js', import.meta.url),
      options,
    });
    return new TmActor(actor, options);
  }

  lookup(text: string): Promise<TmHit> {
    text = args.text(`${this.name}: lookup`, 'text', text);
    return this.#actor.ref.lookup(text);
  }

  store(offer: TmOffer): Promise<boolean> {
    offer = check.tmOffer(`${this.name}: store`, offer);
    return this.#actor.ref.store(offer);
  }

  addMany(
    pairs: readonly { source: string; target: string }[],
  ): Promise<{ added: number; duplicates: number }> {
    pairs = check.pairs(`${this.name}: addMany`, pairs);
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
