import { ActorStoppedError } from '../../errors.js';
import { RestartBudget, type RestartOptions } from '../restart-budget.js';
import type { DeathHandler, Supervisable } from './supervisable.js';

/**
 * The policy of an actor nobody supervises: one-for-one over its own replicas, within its own
 * restart budget; past the budget the actor stops.
 */
export function ownPolicy(
  actor: Pick<Supervisable, 'name' | 'restart' | 'stop'>,
  options: RestartOptions | undefined,
  random?: () => number,
): DeathHandler {
  const budget = new RestartBudget(options, random);
  return (death) => {
    const delayMs = budget.next();
    if (delayMs === undefined) {
      void actor.stop(
        new ActorStoppedError(
          `actor "${actor.name}" stopped: ${budget.describe()} (last: ${death.error.message})`,
          { cause: death.error },
        ),
      );
      return;
    }
    actor.restart(death.replica, delayMs);
  };
}
