import { performance } from 'node:perf_hooks';
import type { StepActor } from '../actor/step-actor.js';
import { AbortError, PlanError, RoundError } from '../errors.js';
import type { CascadePlan } from '../plans/plan.js';
import {
  type Arena,
  isNumericDType,
  type NumericDType,
  type TensorDescriptor,
} from '../tensor/index.js';
import { rowConfidence } from './cascade-confidence.js';
import { cascadeDecision } from './cascade-decision.js';
import type {
  CascadeSegmentTrace,
  CascadeStageTrace,
  CascadeTrace,
  CascadeVisit,
} from './cascade-trace.js';
import { Environment } from './environment.js';
import type { RoundsContext, RunOptions } from './run-rounds.js';

export interface CascadeResult {
  readonly outputs: Record<string, TensorDescriptor>;
  readonly trace: CascadeTrace;
}

/**
 * Runs a cascade on a feed of rows (segments) in the arena. Stage i runs only on the rows every
 * stage before it escalated, gathered into a tensor of their own, so a row that stopped early
 * costs no later stage anything. The answer tensor holds each row from the stage that answered
 * it; the caller owns it, and everything else the run allocated is released when it settles.
 */
export async function runCascade(
  plan: CascadePlan,
  feeds: Readonly<Record<string, TensorDescriptor>>,
  context: RoundsContext,
  options: RunOptions = {},
): Promise<CascadeResult> {
  const where = `plan "${plan.name}"`;
  const input = feeds[plan.input];
  if (!input) throw new PlanError(`${where}: missing feed "${plan.input}"`);
  if (!isNumericDType(input.dtype) || input.dims.length === 0 || input.dims[0]! < 1)
    throw new PlanError(
      `${where}: feed "${plan.input}" must be a numeric tensor of [rows, …] with at least one row, got ${input.dtype} [${input.dims.join(', ')}]`,
    );
  const actorOf = (name: string, role: string): StepActor => {
    const actor = context.actor(name);
    if (!actor) throw new PlanError(`${where}: no actor named "${name}" (${role})`);
    return actor;
  };
  const actors = plan.stages.map((stage, i) => actorOf(stage.actor, `stages[${i}]`));
  const scorer = plan.scorer.type === 'actor' ? actorOf(plan.scorer.actor, 'scorer') : undefined;
  const started = performance.now();
  const deadline = options.timeout !== undefined ? Date.now() + options.timeout : undefined;
  const callOptions = () => ({
    ...(options.signal ? { signal: options.signal } : {}),
    ...(deadline !== undefined ? { timeout: Math.max(1, deadline - Date.now()) } : {}),
  });
  const env = new Environment(context.arena, feeds);
  const rows = input.dims[0]!;
  const visits: CascadeVisit[][] = Array.from({ length: rows }, () => []);
  const stages: CascadeStageTrace[] = [];
  let answer: { descriptor: TensorDescriptor; rowShape: readonly number[] } | undefined;
  let active = Array.from({ length: rows }, (_, r) => r);
  try {
    for (let i = 0; i < plan.stages.length && active.length > 0; i++) {
      if (options.signal?.aborted) throw new AbortError(`${where} was aborted before stage ${i}`);
      const stage = plan.stages[i]!;
      const name = `${where}, stage ${i} ("${stage.actor}")`;
      context.events.emit('round:started', {
        plan: plan.name,
        run: context.run,
        round: i,
        steps: [stage.actor],
      });
      const stageStart = performance.now();
      const rowsIn = i === 0 ? input : gatherRows(context.arena, input, active);
      if (i > 0) env.adopt([rowsIn]);
      const result = await actors[i]!.runShared(
        { [stage.input ?? plan.input]: rowsIn },
        callOptions(),
      );
      env.adopt(Object.values(result.outputs));
      const ms = performance.now() - stageStart;
      const runMs = (result as { stats?: { runMs?: number } }).stats?.runMs ?? ms;
      const outputName = stage.output ?? 'logits';
      const out = result.outputs[outputName];
      if (!out)
        throw new RoundError(
          `${name}: the actor returned no output "${outputName}" (it returned ${Object.keys(result.outputs).join(', ') || 'nothing'})`,
        );
      answer ??= startAnswer(context.arena, env, out, rows, name);
      checkRows(out, answer, active.length, outputName, name);

      const last = i === plan.stages.length - 1;
      let scores: Float64Array;
      let scorerMs = 0;
      if (last) scores = new Float64Array(active.length).fill(Number.NaN);
      else if (scorer) {
        const scored = await scoreWithActor(
          plan,
          scorer,
          out,
          rowsIn,
          { arena: context.arena, env },
          callOptions(),
          name,
        );
        scores = scored.scores;
        scorerMs = scored.runMs;
      } else {
        const s = plan.scorer as Exclude<CascadePlan['scorer'], { type: 'actor' }>;
        // int64 answers read as bigint; Number() in rowConfidence takes both.
        const values = context.arena.view(
          out as TensorDescriptor<NumericDType>,
        ) as unknown as ArrayLike<number>;
        scores = rowConfidence(values, active.length, out.dims.at(-1)!, s.kind ?? 'logits', s.type);
      }

      const perRow = (runMs + scorerMs) / active.length;
      const escalated: number[] = [];
      active.forEach((row, j) => {
        const decision = cascadeDecision(scores[j]!, stage.threshold);
        visits[row]!.push({
          stage: i,
          actor: stage.actor,
          score: scores[j]!,
          decision,
          computeMs: perRow,
        });
        if (decision === 'escalate') escalated.push(row);
        else copyRow(context.arena, out, j, answer!.descriptor, row);
      });
      stages.push({
        stage: i,
        actor: stage.actor,
        rows: active.length,
        escalated: escalated.length,
        ms,
        runMs,
        scorerMs,
        ...(stage.cost !== undefined ? { cost: stage.cost } : {}),
      });
      context.events.emit('round:settled', {
        plan: plan.name,
        run: context.run,
        round: i,
        ms: performance.now() - stageStart,
        missing: [],
      });
      active = escalated;
    }
    const declared = plan.stages.every((stage) => stage.cost !== undefined);
    const segments: CascadeSegmentTrace[] = visits.map((path, segment) => {
      const final = path.at(-1)!;
      return {
        segment,
        stage: final.stage,
        actor: final.actor,
        visits: path,
        computeMs: path.reduce((sum, v) => sum + v.computeMs, 0),
        ...(declared
          ? { cost: path.reduce((sum, v) => sum + plan.stages[v.stage]!.cost!, 0) }
          : {}),
      };
    });
    env.keep([answer!.descriptor]);
    return {
      outputs: { [plan.output]: answer!.descriptor },
      trace: { plan: plan.name, ms: performance.now() - started, stages, segments },
    };
  } finally {
    env.releaseAll();
  }
}

/** The answer tensor, [rows, …] shaped as the first stage's rows. */
function startAnswer(
  arena: Arena,
  env: Environment,
  first: TensorDescriptor,
  rows: number,
  where: string,
): { descriptor: TensorDescriptor; rowShape: readonly number[] } {
  if (!isNumericDType(first.dtype) || first.dims.length === 0)
    throw new RoundError(
      `${where}: the answer must be a numeric tensor of [rows, …], got ${first.dtype} [${first.dims.join(', ')}]`,
    );
  const rowShape = first.dims.slice(1);
  const { descriptor } = arena.allocTensor(first.dtype, [rows, ...rowShape]);
  env.adopt([descriptor]);
  return { descriptor, rowShape };
}

/** Every stage answers in the same shape and dtype, one row per row it was given. */
function checkRows(
  out: TensorDescriptor,
  answer: { descriptor: TensorDescriptor; rowShape: readonly number[] },
  expected: number,
  output: string,
  where: string,
): void {
  const shape = `[${expected}, ${answer.rowShape.join(', ')}]`;
  const same =
    out.dtype === answer.descriptor.dtype &&
    out.dims.length === answer.rowShape.length + 1 &&
    out.dims[0] === expected &&
    answer.rowShape.every((d, k) => out.dims[k + 1] === d);
  if (!same)
    throw new RoundError(
      `${where}: output "${output}" is ${out.dtype} [${out.dims.join(', ')}], expected ${answer.descriptor.dtype} ${shape} (one row per row it was given, shaped as the first stage's)`,
    );
}

/** A new tensor holding the chosen rows of `source`, in that order. */
function gatherRows(
  arena: Arena,
  source: TensorDescriptor,
  rows: readonly number[],
): TensorDescriptor {
  const dtype = source.dtype as NumericDType;
  const from = arena.view(source as TensorDescriptor<NumericDType>);
  const width = from.length / source.dims[0]!;
  const { descriptor, data } = arena.allocTensor(dtype, [rows.length, ...source.dims.slice(1)]);
  rows.forEach((row, j) => {
    (data as { set(a: ArrayLike<unknown>, at: number): void }).set(
      from.subarray(row * width, (row + 1) * width),
      j * width,
    );
  });
  return descriptor;
}

function copyRow(
  arena: Arena,
  from: TensorDescriptor,
  fromRow: number,
  to: TensorDescriptor,
  toRow: number,
): void {
  const source = arena.view(from as TensorDescriptor<NumericDType>);
  const target = arena.view(to as TensorDescriptor<NumericDType>);
  const width = source.length / from.dims[0]!;
  (target as { set(a: ArrayLike<unknown>, at: number): void }).set(
    source.subarray(fromRow * width, (fromRow + 1) * width),
    toRow * width,
  );
}

/** One score per row from the scorer actor (a QE model): [rows] or [rows, 1] of numbers. */
async function scoreWithActor(
  plan: CascadePlan,
  scorer: StepActor,
  answers: TensorDescriptor,
  sources: TensorDescriptor,
  context: { readonly arena: Arena; readonly env: Environment },
  callOptions: { signal?: AbortSignal; timeout?: number },
  where: string,
): Promise<{ scores: Float64Array; runMs: number }> {
  const spec = plan.scorer as Extract<CascadePlan['scorer'], { type: 'actor' }>;
  const feeds: Record<string, TensorDescriptor> = { [spec.input]: answers };
  if (spec.source !== undefined) feeds[spec.source] = sources;
  const t0 = performance.now();
  const result = await scorer.runShared(feeds, callOptions);
  context.env.adopt(Object.values(result.outputs));
  const runMs = (result as { stats?: { runMs?: number } }).stats?.runMs ?? performance.now() - t0;
  const out = result.outputs[spec.output];
  const rows = answers.dims[0]!;
  if (
    !out ||
    !isNumericDType(out.dtype) ||
    out.dims[0] !== rows ||
    out.dims.slice(1).some((d) => d !== 1)
  )
    throw new RoundError(
      `${where}: scorer "${spec.actor}" must answer "${spec.output}" with one number per row, [${rows}] or [${rows}, 1]; got ${out ? `${out.dtype} [${out.dims.join(', ')}]` : 'no such output'}`,
    );
  const values = context.arena.view(out as TensorDescriptor<NumericDType>);
  return { scores: Float64Array.from(values as ArrayLike<number>, Number), runMs };
}
