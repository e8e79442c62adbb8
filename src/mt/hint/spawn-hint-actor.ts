import type { CustomActor } from '../../engines/js/index.js';
import type { Roundtable } from '../../runtime/roundtable.js';
import { actorModule } from '../actor-module.js';
import type { createActor, HintActorOptions } from './hint-actor.js';

/** Spawns the hint model (hint-actor.ts) as a custom actor that decode plans can name. */
export function spawnHintActor(
  runtime: Roundtable,
  name: string,
  options: HintActorOptions,
): Promise<CustomActor<ReturnType<typeof createActor>>> {
  return runtime.spawnCustom(name, {
    module: actorModule('./hint-actor.js', import.meta.url),
    options,
  });
}
