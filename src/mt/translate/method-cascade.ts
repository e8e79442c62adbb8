import { cascadeDecision } from '../../plan-runner/cascade-decision.js';
import {
  type CascadeSignalValues,
  cascadeScore,
  decodeSignals,
  NO_QE_SIGNALS,
  qeSignals,
  runnerUp,
  scorerNeedsQe,
  scorerNeedsRunnerUp,
} from './cascade-signals.js';
import { TranslationError } from './errors.js';
import type { MethodContext, MethodResult } from './method-context.js';
import { runTime, type SharedWork, type Tally } from './shared-work.js';
import type { CascadeStep } from './translator-types.js';

/**
 * `cascade`: the cascade's engines cheapest first, each decoding alone; a segment stops at the
 * first whose translation the scorer rates at least that stage's threshold.
 */
export async function cascade(
  ctx: MethodContext,
  work: SharedWork,
  tally: Tally,
): Promise<MethodResult> {
  const o = ctx.options;
  const scorer = o.cascade?.scorer ?? 'qe';
  const needsQe = scorerNeedsQe(scorer);
  const needsRunnerUp = scorerNeedsRunnerUp(scorer);
  if (!o.cascade || (needsQe && !o.qe))
    throw new TranslationError(
      `translator: the cascade method needs a cascade${needsQe ? ' and a QE model (its scorer reads QE)' : ''}`,
    );
  const steps: CascadeStep[] = [];
  for (let i = 0; ; i++) {
    const engine = o.cascade.engines[i]!;
    const result = tally.decoded(await work.engine(engine), 1);
    const tokens = ctx.best(result);
    const decodeMs = runTime(result);
    const threshold = o.cascade.thresholds[i];
    if (threshold === undefined) {
      steps.push({
        engine: o.engines[engine]!,
        qe: Number.NaN,
        score: Number.NaN,
        decision: 'last',
        computeMs: decodeMs,
        decodeRuns: result.trace.rounds.length,
      });
      return { ...ctx.asTranslation(tokens), cascade: steps };
    }
    let fromQe = NO_QE_SIGNALS;
    let runMs = 0;
    if (needsQe) {
      // The margin needs QE of the engine's runner-up too: one batch of two candidates.
      const second = needsRunnerUp ? runnerUp(result, tokens, o.layout.eos) : null;
      tally.runs++;
      const scored = await o.qe!.scoreWithCost(work.source, second ? [tokens, second] : [tokens]);
      runMs = scored.runMs;
      tally.computeMs += runMs;
      fromQe = qeSignals(
        scored.scores[0]!,
        result.tokenLogprobs,
        needsRunnerUp ? (scored.scores[1] ?? null) : undefined,
      );
    }
    const qe = fromQe.qe;
    const signals: CascadeSignalValues = {
      ...decodeSignals(result),
      ...fromQe,
      'tm-match': work.tmMatch,
    };
    const score = cascadeScore(scorer, signals);
    const decision = cascadeDecision(score, threshold);
    steps.push({
      engine: o.engines[engine]!,
      qe,
      score,
      decision,
      computeMs: decodeMs + runMs,
      decodeRuns: result.trace.rounds.length,
    });
    if (decision === 'stop')
      return { ...ctx.asTranslation(tokens), ...(needsQe ? { qe } : {}), cascade: steps };
  }
}
