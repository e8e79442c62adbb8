import { readdir } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import type { CallOptions } from '../actor/call-options.js';
import { validateFeeds } from '../actor/feed-validation.js';
import type { IoMetadata } from '../actor/protocol.js';
import type { StepActor } from '../actor/step-actor.js';
import { RoundtableError } from '../errors.js';
import type { RoundsPlan } from '../plans/plan.js';
import { readPlanFile } from '../plans/schema.js';
import { spawnPlanActors } from '../runtime/plan-actors.js';
import type { Roundtable } from '../runtime/roundtable.js';
import type { HostTensor, TensorDescriptor } from '../tensor/index.js';
import { checkHostedSource, checkRuntime } from './serve-arguments.js';

/** One thing a server offers under a name: an actor, or a plan run as one model. */
export interface HostedModel {
  readonly name: string;
  readonly kind: 'actor' | 'plan';
  /** What it reads; for a plan, dtype and shape come from the first actor that reads the tensor. */
  readonly inputs: readonly IoMetadata[];
  /** What it returns; for a plan, dtype and shape of the actor or fusion that writes the tensor. */
  readonly outputs: readonly IoMetadata[];
  /** False while any actor it needs is restarting or stopped. */
  ready(): boolean;
  /**
   * Runs it once on host tensors; feeds are checked against `inputs` first (FeedError).
   * Rejects with the runtime's typed errors.
   */
  run(
    feeds: Record<string, HostTensor>,
    options?: CallOptions,
  ): Promise<Record<string, HostTensor>>;
}

export interface HostedActors {
  readonly models: ReadonlyMap<string, HostedModel>;
}

export interface HostedSource {
  /** A folder whose `.onnx` files are spawned as model actors named after the file. */
  readonly models?: string;
  /**
   * A plan file: its `actors` entries are spawned under their names, and a rounds plan is itself
   * a model under the plan's name.
   */
  readonly plan?: string;
}

/**
 * Starts what a server hosts (`roundtable serve --models <dir> | --plan <plan.json>`) on a runtime
 * and describes it for the transports that expose it (HTTP, NATS).
 */
export async function loadHostedActors(
  runtime: Roundtable,
  source: HostedSource,
): Promise<HostedActors> {
  runtime = checkRuntime('loadHostedActors', runtime);
  source = checkHostedSource('loadHostedActors', source);
  const models = new Map<string, HostedModel>();
  const add = (model: HostedModel) => {
    if (models.has(model.name))
      throw new RoundtableError(`serve: two hosted models are named "${model.name}"`);
    models.set(model.name, model);
  };
  if (source.models) {
    const dir = resolve(source.models);
    let files: string[];
    try {
      files = (await readdir(dir)).filter((file) => file.endsWith('.onnx')).sort();
    } catch (error) {
      throw new RoundtableError(`serve: cannot read folder ${dir}: ${(error as Error).message}`);
    }
    if (files.length === 0) throw new RoundtableError(`serve: no .onnx models in ${dir}`);
    const names = files.map((file) => basename(file, '.onnx'));
    await Promise.all(
      files.map((file, i) => runtime.spawnModel(names[i]!, { model: resolve(dir, file) })),
    );
    for (const name of names) add(hostedActor(runtime, runtime.actor(name)!));
  }
  if (source.plan) {
    const plan = await readPlanFile(source.plan);
    await spawnPlanActors(runtime, plan, dirname(resolve(source.plan)));
    for (const name of Object.keys(plan.actors ?? {}))
      add(hostedActor(runtime, runtime.actor(name)!));
    // A decode plan's loop needs a caller driving it token by token: its actors are hosted, the
    // plan itself is not one request and one reply.
    if (plan.kind === 'rounds') add(hostedPlan(runtime, plan));
  }
  return { models };
}

function hostedActor(runtime: Roundtable, actor: StepActor): HostedModel {
  const inputs = actor.inputs ?? [];
  return {
    name: actor.name,
    kind: 'actor',
    inputs,
    outputs: actor.outputs ?? [],
    ready: () => isRunning(runtime, actor.name),
    run: async (feeds, options) => {
      if (actor.inputs) validateFeeds(actor.name, inputs, feeds);
      return runOnHost(runtime, feeds, (shared) => actor.runShared(shared, options));
    },
  };
}

function hostedPlan(runtime: Roundtable, plan: RoundsPlan): HostedModel {
  const inputs = plan.inputs.map((tensor) => planInput(runtime, plan, tensor));
  const actors = new Set(plan.rounds.flatMap((round) => round.steps.map((step) => step.actor)));
  return {
    name: plan.name,
    kind: 'plan',
    inputs,
    outputs: plan.outputs.map((tensor) => planOutput(runtime, plan, tensor)),
    ready: () => [...actors].every((name) => isRunning(runtime, name)),
    run: async (feeds, options) => {
      validateFeeds(`plan ${plan.name}`, inputs, feeds);
      return (await runtime.run(plan, feeds, options)).outputs;
    },
  };
}

/** What the first step that reads a plan input says it expects. */
function planInput(runtime: Roundtable, plan: RoundsPlan, tensor: string): IoMetadata {
  for (const round of plan.rounds)
    for (const step of round.steps)
      for (const [input, read] of Object.entries(step.inputs))
        if (read === tensor) {
          const meta = runtime.actor(step.actor)?.inputs?.find((m) => m.name === input);
          if (meta) return { ...meta, name: tensor };
        }
  return { name: tensor, dtype: undefined, shape: undefined };
}

/** What the last writer of a plan tensor makes: a step's output, or a fusion (like its inputs). */
function planOutput(
  runtime: Roundtable,
  plan: RoundsPlan,
  tensor: string,
  // A fusion may read a tensor an earlier fusion wrote under the same name: look each up once.
  seen = new Set<string>(),
): IoMetadata {
  seen.add(tensor);
  let found: IoMetadata = { name: tensor, dtype: undefined, shape: undefined };
  for (const round of plan.rounds) {
    for (const step of round.steps)
      for (const [output, written] of Object.entries(step.outputs))
        if (written === tensor) {
          const meta = runtime.actor(step.actor)?.outputs?.find((m) => m.name === output);
          found = { name: tensor, dtype: meta?.dtype, shape: meta?.shape };
        }
    if (round.fusion?.output === tensor) {
      const first = round.fusion.inputs[0];
      const shape =
        first === undefined || seen.has(first)
          ? found.shape
          : planOutput(runtime, plan, first, seen).shape;
      // A fusion keeps its inputs' shape and writes float32.
      found = { name: tensor, dtype: 'float32', shape };
    }
  }
  return found;
}

function isRunning(runtime: Roundtable, name: string): boolean {
  const health = runtime.health().actors.find((actor) => actor.name === name);
  return health === undefined || health.state === 'running';
}

/** Puts host feeds in the arena, runs, copies the outputs out; nothing stays in the arena. */
async function runOnHost(
  runtime: Roundtable,
  feeds: Record<string, HostTensor>,
  run: (
    feeds: Record<string, TensorDescriptor>,
  ) => Promise<{ readonly outputs: Record<string, TensorDescriptor> }>,
): Promise<Record<string, HostTensor>> {
  const arena = runtime.arena;
  const shared: Record<string, TensorDescriptor> = {};
  try {
    for (const [name, feed] of Object.entries(feeds))
      shared[name] = arena.writeTensor(feed.dtype, feed.dims, feed.data as never);
    const result = await run(shared);
    const outputs: Record<string, HostTensor> = {};
    try {
      for (const [name, d] of Object.entries(result.outputs))
        outputs[name] = arena.readTensor(d) as HostTensor;
    } finally {
      for (const d of Object.values(result.outputs)) arena.release(d);
    }
    return outputs;
  } finally {
    for (const d of Object.values(shared)) arena.release(d);
  }
}
