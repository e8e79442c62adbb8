import { resolve } from 'node:path';
import type { Plan } from '../plans/plan.js';
import type { Roundtable } from './roundtable.js';

/**
 * Starts the actors a plan file names: model files (paths relative to the plan file's folder) as
 * model actors, `oip` entries as remote models on a server speaking the Open Inference Protocol.
 */
export async function spawnPlanActors(
  runtime: Roundtable,
  plan: Plan,
  base: string,
): Promise<void> {
  const actors = plan.actors ?? {};
  await Promise.all(
    Object.entries(actors).map(async ([name, spec]) => {
      if (spec.oip) {
        await runtime.addRemoteModel(name, spec.oip);
        return;
      }
      await runtime.spawnModel(name, {
        model: resolve(base, spec.model),
        ...(spec.replicas !== undefined ? { replicas: spec.replicas } : {}),
        ...(spec.mailbox !== undefined ? { mailbox: spec.mailbox } : {}),
      });
    }),
  );
}
