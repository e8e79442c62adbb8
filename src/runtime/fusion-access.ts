/**
 * The test hook that reaches a runtime's fusion actor (to kill it, watch its messages or fuse
 * with it directly, in tests and the soak). It is not a member of Roundtable, and src/index.ts
 * does not export this module: no public type names it, so a service cannot come to depend on it.
 */
import type { FusionActor } from '../engines/fusion/fusion-actor.js';
import { ArgumentError } from '../errors.js';

const fusions = new WeakMap<object, FusionActor>();

/** Called by the Roundtable constructor only. */
export function registerFusion(runtime: object, fusion: FusionActor): void {
  fusions.set(runtime, fusion);
}

/** The fusion actor every plan of `runtime` fuses with. */
export function fusionOf(runtime: object): FusionActor {
  const fusion = fusions.get(runtime);
  if (!fusion) throw new ArgumentError('fusionOf: runtime must be a Roundtable', 'runtime');
  return fusion;
}
