import { performance } from 'node:perf_hooks';
import type { EventEmitter } from 'eventemitter3';
import type { RuntimeEvents } from '../actor/events.js';
import type { Fuser } from '../actor/fuser.js';
import type { StepActor } from '../actor/step-actor.js';
import { AbortError, PlanError, RoundError, type RoundtableError } from '../errors.js';
import type { Round, RoundsPlan } from '../plans/plan.js';
import type { Arena, TensorDescriptor } from '../tensor/index.js';
import { Environment } from './environment.js';
import { rerank } from './rerank.js';
import type { FusionTrace, RoundTrace, StepTrace, Trace } from './trace.js';

export interface RoundsContext {
  readonly arena: Arena;
  readonly events: EventEmitter<RuntimeEvents>;
  readonly fuser: Fuser;
  readonly actor: (name: string) => StepActor | undefined;
  /** Distinguishes concurrent runs of one plan in events. */
  readonly run: number;
}

export interface RunOptions {
  /** Cancels the run: queued messages are withdrawn, running ones abandoned and their outputs freed. */
  readonly signal?: AbortSignal;
  /** Milliseconds for the whole plan. */
  readonly timeout?: number;
  /**
   * How many times a step is run again when its actor crashed under it (ActorCrashedError: the
   * worker died, or a supervisor replaced it), on the restarted actor, within the round's
   * deadline. Default 0. A round's own `retries` (when its plan says) wins over this.
   */
  readonly retries?: number;
}

/** A round that may say how often its steps are retried (see {@link RunOptions.retries}). */
type RetryableRound = Round & { readonly retries?: number };

/** A step's call options: none at all (nothing for the actor to read) when there is neither. */
function callOptions(
  signal: AbortSignal | undefined,
  timeout: number | undefined,
): { signal?: AbortSignal; timeout?: number } | undefined {
  if (signal) return timeout === undefined ? { signal } : { signal, timeout };
  return timeout === undefined ? undefined : { timeout };
}

/** Only a crash is worth another attempt: the same input gives the same bad feed or timeout. */
function retryable(error: unknown): boolean {
  return (error as { code?: unknown } | undefined)?.code === 'ERR_ACTOR_CRASHED';
}

/**
 * Runs a plan of rounds on tensors in the arena. Every tensor the run allocates is released when
 * it settles, except the plan's outputs, which the caller then owns (`keep`), or which are copied
 * out and released (see Roundtable.run).
 */
export async function runRounds(
  plan: RoundsPlan,
  feeds: Readonly<Record<string, TensorDescriptor>>,
  context: RoundsContext,
  options: RunOptions = {},
): Promise<{ outputs: Record<string, TensorDescriptor>; trace: Trace }> {
  for (const name of plan.inputs) {
    if (!feeds[name])
      throw new PlanError(
        `plan "${plan.name}": missing feed "${name}"; the plan's inputs are ${plan.inputs.map((n) => `"${n}"`).join(', ')}`,
      );
  }
  const started = performance.now();
  const env = new Environment(context.arena, feeds);
  const deadline = options.timeout !== undefined ? Date.now() + options.timeout : undefined;
  const rounds: RoundTrace[] = [];
  try {
    for (let r = 0; r < plan.rounds.length; r++) {
      if (options.signal?.aborted)
        throw new AbortError(`plan "${plan.name}" was aborted before round ${r}`);
      const roundStart = performance.now();
      let trace: RoundTrace;
      try {
        trace = await runRound(plan, r, plan.rounds[r]!, env, context, options, deadline);
      } catch (error) {
        context.events.emit('round:failed', {
          plan: plan.name,
          run: context.run,
          round: r,
          ms: performance.now() - roundStart,
          code:
            (error as { code?: unknown }).code === undefined
              ? 'ERR_UNKNOWN'
              : String((error as { code?: unknown }).code),
        });
        throw error;
      }
      rounds.push(trace);
      if (trace.stopped) break;
    }
    const outputs: Record<string, TensorDescriptor> = {};
    for (const name of plan.outputs) outputs[name] = env.get(name);
    env.keep(Object.values(outputs));
    return { outputs, trace: { plan: plan.name, ms: performance.now() - started, rounds } };
  } finally {
    env.releaseAll();
  }
}

async function runRound(
  plan: RoundsPlan,
  index: number,
  round: Round,
  env: Environment,
  context: RoundsContext,
  options: RunOptions,
  planDeadline: number | undefined,
): Promise<RoundTrace> {
  const signal = options.signal;
  const name = round.name ?? `round ${index + 1}`;
  const retries = (round as RetryableRound).retries ?? options.retries ?? 0;
  if (!Number.isInteger(retries) || retries < 0) {
    throw new RangeError(
      `plan "${plan.name}", ${name}: retries must be an integer >= 0, got ${retries}`,
    );
  }
  const actors = round.steps.map((step) => {
    const actor = context.actor(step.actor);
    if (!actor) throw new PlanError(`plan "${plan.name}", ${name}: no actor named "${step.actor}"`);
    return actor;
  });
  // Built only when someone listens: a plan of tiny models runs thousands of rounds a second.
  if (context.events.listenerCount('round:started') > 0)
    context.events.emit('round:started', {
      plan: plan.name,
      run: context.run,
      round: index,
      steps: round.steps.map((s) => s.actor),
    });
  const started = performance.now();
  const roundDeadline = round.deadlineMs !== undefined ? Date.now() + round.deadlineMs : undefined;
  const deadline = Math.min(
    roundDeadline ?? Number.POSITIVE_INFINITY,
    planDeadline ?? Number.POSITIVE_INFINITY,
  );
  const timeLeft = () =>
    Number.isFinite(deadline) ? Math.max(1, deadline - Date.now()) : undefined;

  // One attempt at a time, and another only after the previous one was answered with a crash
  // (which delivers no outputs): a step contributes at most one result to the round. Chained
  // promises rather than an async function per step, which allocated more: this runs for every
  // step of every round.
  const attempt = (
    s: number,
    feeds: Record<string, TensorDescriptor>,
    stepStart: number,
    tried: number,
  ): Promise<{ result: Awaited<ReturnType<StepActor['runShared']>>; ms: number }> => {
    let call: ReturnType<StepActor['runShared']>;
    try {
      call = actors[s]!.runShared(feeds, callOptions(signal, timeLeft()));
    } catch (error) {
      call = Promise.reject(error);
    }
    return call.then(
      (result) => {
        for (const output in result.outputs) env.adoptOne(result.outputs[output]!);
        return { result, ms: performance.now() - stepStart };
      },
      (error: unknown) => {
        const expired = Number.isFinite(deadline) && Date.now() >= deadline;
        if (tried >= retries || !retryable(error) || signal?.aborted || expired) throw error;
        context.events.emit('round:retried', {
          plan: plan.name,
          run: context.run,
          round: index,
          actor: round.steps[s]!.actor,
          attempt: tried + 1,
          reason: (error as Error).message,
        });
        return attempt(s, feeds, stepStart, tried + 1);
      },
    );
  };
  const settled = await Promise.allSettled(
    round.steps.map((step, s) => {
      const stepStart = performance.now();
      const feeds: Record<string, TensorDescriptor> = {};
      try {
        for (const input in step.inputs) feeds[input] = env.get(step.inputs[input]!);
      } catch (error) {
        return Promise.reject(error);
      }
      return attempt(s, feeds, stepStart, 0);
    }),
  );

  const steps: StepTrace[] = [];
  const missing: string[] = [];
  let answered = 0;
  let firstFailure: RoundtableError | undefined;
  settled.forEach((outcome, s) => {
    const step = round.steps[s]!;
    if (outcome.status === 'fulfilled') {
      answered++;
      for (const output in step.outputs) {
        const tensor = step.outputs[output]!;
        const descriptor = outcome.value.result.outputs[output];
        if (!descriptor) {
          firstFailure ??= new RoundError(
            `plan "${plan.name}", ${name}: actor "${step.actor}" returned no output "${output}" (it returned ${
              Object.keys(outcome.value.result.outputs)
                .map((o) => `"${o}"`)
                .join(', ') || 'nothing'
            })`,
          );
          continue;
        }
        env.set(tensor, descriptor);
      }
      const runMs = (outcome.value.result as { stats?: { runMs?: number } }).stats?.runMs;
      // Literals rather than conditional spreads, here and below: a spread builds an object to
      // copy from, on every step of every round.
      steps.push(
        runMs !== undefined
          ? { actor: step.actor, status: 'ok', ms: outcome.value.ms, runMs }
          : { actor: step.actor, status: 'ok', ms: outcome.value.ms },
      );
    } else {
      const error = outcome.reason as RoundtableError;
      const timedOut = error.code === 'ERR_TIMEOUT';
      if (timedOut) missing.push(step.actor);
      else firstFailure ??= error;
      steps.push({
        actor: step.actor,
        status: timedOut ? 'missing' : 'failed',
        ms: performance.now() - started,
        error: error.message,
      });
    }
  });
  if (signal?.aborted) throw new AbortError(`plan "${plan.name}" was aborted during ${name}`);
  const quorum = round.quorum ?? round.steps.length;
  if (answered < quorum) {
    const why = firstFailure ? `: ${firstFailure.message}` : '';
    const error = new RoundError(
      `plan "${plan.name}", ${name}: ${answered} of ${round.steps.length} steps answered, quorum is ${quorum}${missing.length ? ` (missing: ${missing.join(', ')})` : ''}${why}`,
      firstFailure ? { cause: firstFailure } : undefined,
    );
    throw error;
  }

  let fusion: FusionTrace | undefined;
  if (round.fusion) {
    fusion = await fuseRound(plan, name, round, env, context, steps, signal);
  }

  let stopped: RoundTrace['stopped'];
  if (round.stop) {
    const value = reduce(
      context.arena,
      env.get(round.stop.tensor),
      round.stop.reduce ?? 'min',
      `plan "${plan.name}", ${name}: stop tensor "${round.stop.tensor}"`,
    );
    if (value >= round.stop.atLeast) stopped = { value, threshold: round.stop.atLeast };
  }
  const ms = performance.now() - started;
  context.events.emit('round:settled', {
    plan: plan.name,
    run: context.run,
    round: index,
    ms,
    missing,
  });
  const trace: Mutable<RoundTrace> = { round: index, name, ms, steps, missing };
  if (fusion) trace.fusion = fusion;
  if (stopped) trace.stopped = stopped;
  return trace;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

async function fuseRound(
  plan: RoundsPlan,
  name: string,
  round: Round,
  env: Environment,
  context: RoundsContext,
  steps: StepTrace[],
  signal: AbortSignal | undefined,
): Promise<FusionTrace> {
  const spec = round.fusion!;
  // A missing step's output is simply not fused: its weight is left out and the rest renormalised.
  const present: number[] = [];
  spec.inputs.forEach((tensor, i) => {
    if (env.has(tensor)) present.push(i);
  });
  if (present.length === 0)
    throw new RoundError(`plan "${plan.name}", ${name}: nothing to fuse, every input is missing`);
  const inputs = present.map((i) => env.get(spec.inputs[i]!));
  const rawWeights = present.map((i) => spec.weights?.[i] ?? 1);
  const total = rawWeights.reduce((a, b) => a + b, 0);
  const weights = rawWeights.map((w) => (total > 0 ? w / total : 1 / rawWeights.length));
  const started = performance.now();
  let agreement: readonly number[] | undefined;
  let divergence: readonly number[] | undefined;
  if (spec.strategy === 'rerank') {
    const chosen = await rerank(spec, inputs, env, context, signal);
    env.set(spec.output, chosen.output);
    agreement = chosen.agreement;
    divergence = chosen.scores;
  } else {
    const reply = await context.fuser.fuse(
      {
        strategy: spec.strategy,
        kind: spec.kind ?? 'logits',
        inputs,
        weights,
        temperatures: present.map((i) => spec.temperatures?.[i] ?? 1),
      },
      signal ? { signal } : {},
    );
    env.adoptOne(reply.output);
    env.set(spec.output, reply.output);
    agreement = reply.agreement;
    divergence = reply.divergence;
  }
  present.forEach((i, j) => {
    const s = producerOf(round, spec.inputs[i]!);
    const step = s >= 0 ? steps[s] : undefined;
    if (!step) return;
    const fused: Mutable<StepTrace> = { ...step, weight: weights[j]! };
    if (agreement) fused.agreement = agreement[j]!;
    if (divergence && spec.strategy !== 'rerank') fused.divergence = divergence[j]!;
    steps[s] = fused;
  });
  return { strategy: spec.strategy, ms: performance.now() - started, inputs: present.length };
}

/** The index of the step of `round` that writes `tensor`, or -1. Allocates nothing. */
function producerOf(round: Round, tensor: string): number {
  for (let s = 0; s < round.steps.length; s++) {
    const outputs = round.steps[s]!.outputs;
    for (const output in outputs) if (outputs[output] === tensor) return s;
  }
  return -1;
}

/**
 * A stop tensor's values, reduced. A value that is not finite (NaN, ±Infinity) is a RoundError
 * naming the tensor and the element: NaN compares false both ways, so `min` would skip it and
 * stop on the others, and an infinite confidence says nothing about quality.
 */
function reduce(
  arena: Arena,
  descriptor: TensorDescriptor,
  how: 'min' | 'mean' | 'max',
  where: string,
): number {
  const values = arena.view(descriptor) as ArrayLike<number>;
  if (values.length === 0) return Number.NEGATIVE_INFINITY;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    const v = Number(values[i]);
    if (!Number.isFinite(v))
      throw new RoundError(`${where}: element ${i} is ${v}, not a finite number`);
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
  }
  return how === 'min' ? min : how === 'max' ? max : sum / values.length;
}
