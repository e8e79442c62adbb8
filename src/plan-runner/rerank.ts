import { RoundError } from '../errors.js';
import type { Fusion } from '../plans/plan.js';
import type { TensorDescriptor } from '../tensor/index.js';
import type { Environment } from './environment.js';
import type { RoundsContext } from './run-rounds.js';
import { settleAll } from './settle-all.js';

/**
 * Rerank fusion: a scorer actor rates each candidate, and the best-rated candidate is the output.
 * Candidates are scored in parallel; each score is the mean of the scorer's output values.
 * "Agreement" in the trace is then 1 for the chosen candidate and 0 for the others.
 */
export async function rerank(
  spec: Fusion,
  candidates: readonly TensorDescriptor[],
  env: Environment,
  context: RoundsContext,
  signal: AbortSignal | undefined,
): Promise<{ output: TensorDescriptor; agreement: number[]; scores: number[] }> {
  const scorerSpec = spec.scorer!;
  const scorer = context.actor(scorerSpec.actor);
  if (!scorer) throw new RoundError(`rerank: no scorer actor named "${scorerSpec.actor}"`);
  const scores = await settleAll(
    candidates.map(async (candidate, c) => {
      const feeds: Record<string, TensorDescriptor> = { [scorerSpec.input]: candidate };
      for (const [input, tensor] of Object.entries(scorerSpec.extra ?? {}))
        feeds[input] = env.get(tensor);
      const result = await scorer.runShared(feeds, signal ? { signal } : {});
      env.adopt(Object.values(result.outputs));
      const score = result.outputs[scorerSpec.output];
      if (!score)
        throw new RoundError(
          `rerank: scorer "${scorerSpec.actor}" returned no output "${scorerSpec.output}"`,
        );
      const values = context.arena.view(score) as ArrayLike<number>;
      let sum = 0;
      for (let i = 0; i < values.length; i++) {
        const v = Number(values[i]);
        // NaN would never win nor lose a comparison: the choice would depend on the order.
        if (!Number.isFinite(v))
          throw new RoundError(
            `rerank: scorer "${scorerSpec.actor}" output "${scorerSpec.output}", element ${i}, is ${v} for candidate ${c}, not a finite number`,
          );
        sum += v;
      }
      return values.length > 0 ? sum / values.length : Number.NEGATIVE_INFINITY;
    }),
  );
  let best = 0;
  for (let i = 1; i < scores.length; i++) if (scores[i]! > scores[best]!) best = i;
  return {
    output: candidates[best]!,
    agreement: scores.map((_, i) => (i === best ? 1 : 0)),
    scores,
  };
}
