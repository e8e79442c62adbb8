import { performance } from 'node:perf_hooks';
import { AbortError, PlanError, RoundError } from '../errors.js';
import type { DecodePlan } from '../plans/plan.js';
import type { TensorDescriptor } from '../tensor/index.js';
import {
  beamIsDone,
  beamStep,
  type FinishedHypothesis,
  type Hypothesis,
  normalisedScore,
} from './beam.js';
import type { RoundsContext, RunOptions } from './run-rounds.js';
import { settleAll } from './settle-all.js';
import type { RoundTrace, StepTrace, Trace } from './trace.js';

export interface DecodeResult {
  /** The best sequence, without the prompt (ends with the end token unless maxLength cut it). */
  readonly tokens: number[];
  /** Its summed log-probability under the fused distribution. */
  readonly logprob: number;
  /** Each of its tokens' log-probability given the tokens before it (they sum to `logprob`). */
  readonly tokenLogprobs: readonly number[];
  /** Every finished hypothesis, best first (one for greedy search). */
  readonly hypotheses: readonly FinishedHypothesis[];
  readonly trace: Trace;
}

/**
 * Step-synchronous ensemble decoding: one round per output token. Each round writes the live
 * hypotheses' context windows into the arena once ([hypotheses, context] int64), every model reads
 * that same tensor, the fusion combines their next-token scores into log-probabilities, and greedy
 * or beam search extends the hypotheses. A round's tensors are released as soon as it settles.
 */
export async function runDecode(
  plan: DecodePlan,
  prompt: readonly number[],
  context: RoundsContext,
  options: RunOptions = {},
): Promise<DecodeResult> {
  const started = performance.now();
  const actors = plan.models.map((model) => {
    const actor = context.actor(model.actor);
    if (!actor) throw new PlanError(`plan "${plan.name}": no actor named "${model.actor}"`);
    return actor;
  });
  const width = plan.search.type === 'greedy' ? 1 : (plan.search.beamWidth ?? 4);
  const alpha = plan.search.lengthPenalty ?? 1;
  const pad = plan.padToken ?? 0;
  const deadline = options.timeout !== undefined ? Date.now() + options.timeout : undefined;
  const rounds: RoundTrace[] = [];
  const finished: FinishedHypothesis[] = [];
  let live: Hypothesis[] = [{ tokens: [], logprob: 0 }];
  // The same every step: made once, not per token.
  const weights = normalise(plan.fusion.weights ?? plan.models.map(() => 1));
  const temperatures = plan.fusion.temperatures ?? plan.models.map(() => 1);

  for (let step = 0; step < plan.maxLength && live.length > 0; step++) {
    if (options.signal?.aborted)
      throw new AbortError(`plan "${plan.name}" was aborted at token ${step}`);
    const timeout = deadline !== undefined ? Math.max(1, deadline - Date.now()) : undefined;
    const callOptions = {
      ...(options.signal ? { signal: options.signal } : {}),
      ...(timeout !== undefined ? { timeout } : {}),
    };
    context.events.emit('round:started', {
      plan: plan.name,
      run: context.run,
      round: step,
      steps: plan.models.map((m) => m.actor),
    });
    const roundStart = performance.now();
    const owned: TensorDescriptor[] = [];
    try {
      const window = contextWindows(live, prompt, plan.context, pad);
      const tokens = context.arena.writeTensor('int64', [live.length, plan.context], window);
      owned.push(tokens);
      const replies = await settleAll(
        actors.map(async (actor, k) => {
          const t0 = performance.now();
          const model = plan.models[k]!;
          const result = await actor.runShared({ [model.input ?? 'tokens']: tokens }, callOptions);
          owned.push(...Object.values(result.outputs));
          const logits = result.outputs[model.output ?? 'logits'];
          if (!logits)
            throw new RoundError(
              `plan "${plan.name}": actor "${actor.name}" returned no output "${model.output ?? 'logits'}"`,
            );
          // Model actors say how long session.run took; custom actors do not.
          const runMs = (result as { stats?: { runMs?: number } }).stats?.runMs;
          return { logits, ms: performance.now() - t0, runMs };
        }),
      );
      const vocab = replies[0]!.logits.dims.at(-1)!;
      const fusionStart = performance.now();
      const fused = await context.fuser.fuse(
        {
          strategy: plan.fusion.strategy,
          kind: 'logits',
          inputs: replies.map((r) => r.logits),
          weights,
          temperatures,
        },
        callOptions,
      );
      owned.push(fused.output);
      const fusionMs = performance.now() - fusionStart;
      const scores = context.arena.view(fused.output) as Float32Array;
      const logprobs = plan.fusion.strategy === 'mean' ? toLog(scores) : scores;
      if (width === 1 && live.length === 1) {
        live = greedyStep(live[0]!, logprobs, plan, step, finished, alpha);
      } else {
        checked(logprobs, plan, step);
        live = beamStep(live, logprobs, vocab, width, plan.endToken, alpha, finished);
      }
      const steps: StepTrace[] = replies.map((reply, k) => ({
        actor: actors[k]!.name,
        status: 'ok',
        ms: reply.ms,
        ...(reply.runMs !== undefined ? { runMs: reply.runMs } : {}),
        weight: weights[k]!,
        ...(fused.agreement ? { agreement: fused.agreement[k]! } : {}),
        divergence: fused.divergence[k]!,
      }));
      const ms = performance.now() - roundStart;
      rounds.push({
        round: step,
        name: `token ${step + 1}`,
        ms,
        steps,
        missing: [],
        fusion: { strategy: plan.fusion.strategy, ms: fusionMs, inputs: replies.length },
      });
      context.events.emit('round:settled', {
        plan: plan.name,
        run: context.run,
        round: step,
        ms,
        missing: [],
      });
      if (beamIsDone(live, finished, width, plan.maxLength, alpha)) break;
    } finally {
      for (const descriptor of owned) context.arena.release(descriptor);
    }
  }
  for (const hypothesis of live) {
    finished.push({
      ...hypothesis,
      score: normalisedScore(hypothesis.logprob, hypothesis.tokens.length, alpha),
    });
  }
  finished.sort((a, b) => b.score - a.score);
  const best = finished[0] ?? { tokens: [], logprob: 0, score: 0 };
  return {
    tokens: [...best.tokens],
    logprob: best.logprob,
    tokenLogprobs: [...(best.tokenLogprobs ?? [])],
    hypotheses: finished,
    trace: { plan: plan.name, ms: performance.now() - started, rounds },
  };
}

/**
 * -Infinity is an impossible token and is never chosen; NaN or +Infinity would decide the search
 * by accident (NaN never wins nor loses a comparison), so either is a RoundError.
 */
function checked(logprobs: ArrayLike<number>, plan: DecodePlan, step: number): void {
  for (let i = 0; i < logprobs.length; i++) {
    const v = logprobs[i]!;
    if (Number.isNaN(v) || v === Number.POSITIVE_INFINITY) throw nonFinite(plan, step, i, v);
  }
}

function nonFinite(plan: DecodePlan, step: number, element: number, value: number): RoundError {
  return new RoundError(
    `plan "${plan.name}": fused scores, token ${step + 1}, element ${element} is ${value}; expected a log-probability (finite or -Infinity)`,
  );
}

/**
 * beamStep for one live hypothesis and width 1 (greedy search), with the check of `checked` in
 * the same pass: a decoding step reads the fused row once instead of twice. Picks what beamStep
 * would: the first token of the highest score (the hypothesis' logprob plus the token's), never an
 * impossible (-Infinity) one; none when every token is impossible.
 */
function greedyStep(
  hypothesis: Hypothesis,
  logprobs: ArrayLike<number>,
  plan: DecodePlan,
  step: number,
  finished: FinishedHypothesis[],
  alpha: number,
): Hypothesis[] {
  const base = hypothesis.logprob;
  let best = -1;
  let bestScore = Number.NEGATIVE_INFINITY;
  for (let token = 0; token < logprobs.length; token++) {
    const v = logprobs[token]!;
    if (Number.isNaN(v) || v === Number.POSITIVE_INFINITY) throw nonFinite(plan, step, token, v);
    const score = base + v;
    if (score > bestScore) {
      bestScore = score;
      best = token;
    }
  }
  if (best < 0) return [];
  const tokens = [...hypothesis.tokens, best];
  if (best === plan.endToken) {
    finished.push({
      tokens,
      logprob: bestScore,
      score: normalisedScore(bestScore, tokens.length, alpha),
    });
    return [];
  }
  return [{ tokens, logprob: bestScore }];
}

/** Each hypothesis' last `context` tokens (prompt then generated), left-padded. */
function contextWindows(
  live: readonly Hypothesis[],
  prompt: readonly number[],
  context: number,
  pad: number,
): BigInt64Array {
  const window = new BigInt64Array(live.length * context);
  live.forEach((hypothesis, row) => {
    const sequence = [...prompt, ...hypothesis.tokens];
    const tail = sequence.slice(-context);
    const start = row * context + (context - tail.length);
    for (let i = 0; i < row * context + context - start; i++) window[start + i] = BigInt(tail[i]!);
    for (let i = row * context; i < start; i++) window[i] = BigInt(pad);
  });
  return window;
}

function normalise(weights: readonly number[]): number[] {
  const total = weights.reduce((a, b) => a + b, 0);
  return weights.map((w) => (total > 0 ? w / total : 1 / weights.length));
}

function toLog(probs: Float32Array): Float64Array {
  const out = new Float64Array(probs.length);
  for (let i = 0; i < probs.length; i++) out[i] = Math.log(probs[i]!);
  return out;
}
