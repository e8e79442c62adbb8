import * as args from '../actor/arguments.js';
import { PlanError, RoundtableError } from '../errors.js';
import type { Plan } from '../plans/plan.js';
import { parsePlan } from '../plans/schema.js';

/**
 * The checked copy of `plan` that runs, or a PlanError naming the field that is wrong. Each plan
 * object is checked on its first run only, not on every request; what runs is the copy made
 * then, so a plan changed after it ran (or a getter that answers differently) changes nothing.
 */
export function validatedPlan(valid: WeakMap<object, Plan>, plan: unknown, where: string): Plan {
  if (typeof plan !== 'object' || plan === null || Array.isArray(plan))
    args.refuse(where, 'plan', 'a plan object', plan);
  const known = valid.get(plan);
  if (known) return known;
  let checked: Plan;
  try {
    checked = parsePlan(plan, `${where}: plan`);
  } catch (error) {
    if (error instanceof RoundtableError) throw error;
    throw new PlanError(`${where}: plan could not be read: ${(error as Error).message}`);
  }
  valid.set(plan, checked);
  // run() hands the copy on to runShared(): found at once there too.
  valid.set(checked, checked);
  return checked;
}
