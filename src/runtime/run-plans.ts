/**
 * Running plans on tensors: rounds plans on host tensors (copied into the arena and out again) or
 * on the caller's arena tensors, and cascades. Plans, feeds and options are checked at the door.
 */
import * as args from '../actor/arguments.js';
import { DescriptorError, PlanError, RoundError } from '../errors.js';
import type { CascadeTrace } from '../plan-runner/cascade-trace.js';
import { runCascade } from '../plan-runner/run-cascade.js';
import { type RunOptions, runRounds } from '../plan-runner/run-rounds.js';
import type { Trace } from '../plan-runner/trace.js';
import type { CascadePlan, Plan, RoundsPlan } from '../plans/plan.js';
import type { Arena, HostTensor, TensorDescriptor } from '../tensor/index.js';
import { checkRunOptions } from './check-options.js';
import { validatedPlan } from './plan-validation.js';
import type { RuntimeState } from './runtime-state.js';

export interface PlanResult<T> {
  readonly outputs: Record<string, T>;
  readonly trace: Trace;
}

export async function run(
  state: RuntimeState,
  plan: RoundsPlan,
  feeds: Record<string, HostTensor>,
  options: RunOptions,
): Promise<PlanResult<HostTensor>> {
  state.assertOpen();
  const where = `Roundtable.run`;
  const arena = state.arena;
  const valid = validatedPlan(state.valid, plan, where);
  if (valid.kind !== 'rounds')
    throw new PlanError(`plan "${valid.name}" is a ${valid.kind} plan: use decode()`);
  const hostFeeds = args.hostFeeds(where, feeds);
  const checked = checkRunOptions(where, options);
  return withFeedsInArena(arena, hostFeeds, async (shared) => {
    // Plan, feeds and options were checked above, and the feeds are the arena's own descriptors:
    // not checked again as runShared checks a caller's.
    const result = await state.track(() =>
      runRounds(valid as RoundsPlan, shared, state.roundsContext(), checked),
    );
    const outputs: Record<string, HostTensor> = {};
    try {
      for (const name in result.outputs)
        outputs[name] = arena.readTensor(result.outputs[name]!) as HostTensor;
    } finally {
      // A plan output may be one of the feeds passed straight through, or named twice: each
      // descriptor is released once, and a feed's by withFeedsInArena.
      const seen: TensorDescriptor[] = [];
      for (const name in shared) seen.push(shared[name]!);
      for (const name in result.outputs) {
        const descriptor = result.outputs[name]!;
        if (!seen.includes(descriptor)) arena.release(descriptor);
        seen.push(descriptor);
      }
    }
    return { outputs, trace: result.trace };
  });
}

export function runShared(
  state: RuntimeState,
  plan: RoundsPlan,
  feeds: Record<string, TensorDescriptor>,
  options: RunOptions,
): Promise<PlanResult<TensorDescriptor>> {
  const closed = state.refuse();
  if (closed) return closed;
  const where = 'Roundtable.runShared';
  let valid: Plan;
  let shared: Record<string, TensorDescriptor>;
  let checked: RunOptions;
  try {
    valid = validatedPlan(state.valid, plan, where);
    if (valid.kind !== 'rounds')
      throw new PlanError(`plan "${valid.name}" is a ${valid.kind} plan: use decode()`);
    shared = {};
    const given = args.record(where, 'feeds', feeds);
    for (const name in given) {
      try {
        shared[name] = state.arena.check(given[name] as TensorDescriptor);
      } catch (error) {
        // As when a step meets the bad feed: the plan's RoundError, the typed error its cause.
        if (!(error instanceof DescriptorError)) throw error;
        throw new RoundError(`plan "${valid.name}": feed "${name}": ${error.message}`, {
          cause: error,
        });
      }
    }
    checked = checkRunOptions(where, options);
  } catch (error) {
    return Promise.reject(error);
  }
  return state.track(() => runRounds(valid as RoundsPlan, shared, state.roundsContext(), checked));
}

export async function cascade(
  state: RuntimeState,
  plan: CascadePlan,
  feeds: Record<string, HostTensor>,
  options: RunOptions,
): Promise<{ outputs: Record<string, HostTensor>; trace: CascadeTrace }> {
  const closed = state.refuse();
  if (closed) return closed;
  const where = 'Roundtable.cascade';
  const arena = state.arena;
  const valid = validatedPlan(state.valid, plan, where);
  if (valid.kind !== 'cascade')
    throw new PlanError(`plan "${valid.name}" is a ${valid.kind} plan: use run() or decode()`);
  const checkedPlan = valid;
  const hostFeeds = args.hostFeeds(where, feeds);
  const checked = checkRunOptions(where, options);
  return withFeedsInArena(arena, hostFeeds, async (shared) => {
    const result = await state.track(() =>
      runCascade(checkedPlan, shared, state.roundsContext(), checked),
    );
    const answer = result.outputs[checkedPlan.output]!;
    try {
      return {
        outputs: { [checkedPlan.output]: arena.readTensor(answer) as HostTensor },
        trace: result.trace,
      };
    } finally {
      arena.release(answer);
    }
  });
}

/** Host feeds written into the arena for `body`, and released once it settles, however it ends. */
async function withFeedsInArena<T>(
  arena: Arena,
  feeds: Record<string, HostTensor>,
  body: (shared: Record<string, TensorDescriptor>) => Promise<T>,
): Promise<T> {
  const shared: Record<string, TensorDescriptor> = {};
  try {
    for (const name in feeds) {
      const feed = feeds[name]!;
      shared[name] = arena.writeTensor(feed.dtype, feed.dims, feed.data as never);
    }
    return await body(shared);
  } finally {
    for (const name in shared) arena.release(shared[name]!);
  }
}
