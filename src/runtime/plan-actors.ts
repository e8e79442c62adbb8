import { resolve } from 'node:path';
import type { NatsConnection } from '@nats-io/transport-node';
import { PlanError } from '../errors.js';
import type { Plan } from '../plans/plan.js';
import type { Roundtable } from './roundtable.js';

/**
 * Starts the actors a plan file names: model files (paths relative to the plan file's folder) as
 * model actors, `oip` entries as remote models on a server speaking the Open Inference Protocol,
 * `nats` entries as actors served over NATS (which needs `nats`, a connection).
 *
 * With a NATS connection, every actor the plan names that is not an `oip` entry is one served by
 * other processes over NATS (`roundtable run --nats`): no model is spawned here.
 */
export async function spawnPlanActors(
  runtime: Roundtable,
  plan: Plan,
  base: string,
  nats?: NatsConnection,
): Promise<void> {
  const actors = plan.actors ?? {};
  const names = nats ? actorNames(plan) : new Set(Object.keys(actors));
  await Promise.all(
    [...names].map(async (name) => {
      const spec = actors[name];
      if (spec?.oip) {
        await runtime.addRemoteModel(name, spec.oip);
        return;
      }
      if (nats) {
        const remote = spec?.nats;
        await runtime.addNatsActor(name, {
          connection: nats,
          ...(remote?.actor !== undefined ? { actor: remote.actor } : {}),
          ...(remote?.prefix !== undefined ? { prefix: remote.prefix } : {}),
          ...(remote?.timeout !== undefined ? { timeout: remote.timeout } : {}),
        });
        return;
      }
      if (spec?.model === undefined) {
        throw new PlanError(
          `actor "${name}" of plan "${plan.name}" is served over NATS: run with --nats <url>`,
        );
      }
      await runtime.spawnModel(name, {
        model: resolve(base, spec.model),
        ...(spec.replicas !== undefined ? { replicas: spec.replicas } : {}),
        ...(spec.mailbox !== undefined ? { mailbox: spec.mailbox } : {}),
      });
    }),
  );
}

/** Every actor a plan names: its `actors` entries, its steps, its scorers, its decode models. */
function actorNames(plan: Plan): Set<string> {
  const names = new Set(Object.keys(plan.actors ?? {}));
  if (plan.kind === 'decode') for (const model of plan.models) names.add(model.actor);
  else if (plan.kind === 'cascade') {
    for (const stage of plan.stages) names.add(stage.actor);
    if (plan.scorer.type === 'actor') names.add(plan.scorer.actor);
  } else if (plan.kind === 'rounds')
    for (const round of plan.rounds) {
      for (const step of round.steps) names.add(step.actor);
      if (round.fusion?.scorer) names.add(round.fusion.scorer.actor);
    }
  return names;
}
