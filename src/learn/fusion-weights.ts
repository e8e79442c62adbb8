import { PlanError } from '../errors.js';
import type { Plan, Round } from '../plans/plan.js';
import type { FusionWeights } from './index.js';

/** Kernel names (as weights files store them) to the plan's strategy names. */
const planStrategy = {
  'weighted-mean': 'mean',
  'log-linear': 'log-linear',
  'log-mean': 'log-mean',
  'majority-vote': 'vote',
  'max-confidence': 'max-confidence',
} as const;

/**
 * A copy of the plan whose fusion uses learned weights and temperatures. The fusion is the first
 * one with as many inputs as there are weights; when the weights file names its models and they
 * are the actors whose outputs the fusion reads, weights follow the names, else their order.
 */
export function applyFusionWeights(plan: Plan, learned: FusionWeights): Plan {
  const strategy = planStrategy[learned.strategy];
  const k = learned.weights.length;
  if (plan.kind === 'decode') {
    if (plan.models.length !== k)
      throw new PlanError(
        `plan "${plan.name}" decodes with ${plan.models.length} models, the weights are for ${k}`,
      );
    if (strategy !== 'mean' && strategy !== 'log-linear' && strategy !== 'log-mean') {
      throw new PlanError(`plan "${plan.name}": decoding cannot fuse by '${strategy}'`);
    }
    const order = orderBy(
      plan.models.map((m) => m.actor),
      learned.models,
    );
    return {
      ...plan,
      fusion: {
        strategy,
        weights: order.map((i) => learned.weights[i]!),
        temperatures: order.map((i) => learned.temperatures[i]!),
      },
    };
  }
  if (plan.kind === 'speculative')
    throw new PlanError(`plan "${plan.name}" is speculative: it fuses nothing to weigh`);
  if (plan.kind === 'cascade')
    throw new PlanError(`plan "${plan.name}" is a cascade: it fuses nothing to weigh`);
  const at = plan.rounds.findIndex((round) => round.fusion?.inputs.length === k);
  if (at < 0)
    throw new PlanError(
      `plan "${plan.name}" has no fusion over ${k} inputs to apply the weights to`,
    );
  const round = plan.rounds[at]!;
  const fusion = round.fusion!;
  const producers = fusion.inputs.map(
    (tensor) =>
      round.steps.find((step) => Object.values(step.outputs).includes(tensor))?.actor ?? tensor,
  );
  const order = orderBy(producers, learned.models);
  const updated: Round = {
    ...round,
    fusion: {
      ...fusion,
      strategy,
      weights: order.map((i) => learned.weights[i]!),
      temperatures: order.map((i) => learned.temperatures[i]!),
    },
  };
  return { ...plan, rounds: plan.rounds.map((r, i) => (i === at ? updated : r)) };
}

/** For each name in `wanted`, the index of its weight: by name when all names match, else by position. */
function orderBy(wanted: readonly string[], named: readonly string[]): number[] {
  const byName = wanted.map((name) => named.indexOf(name));
  return byName.every((i) => i >= 0) && new Set(byName).size === wanted.length
    ? byName
    : wanted.map((_, i) => i);
}
