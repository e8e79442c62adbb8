import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { MAX_REPLICAS } from '../actor/arguments.js';
import { PlanError } from '../errors.js';
import type { CascadePlan, Plan } from './plan.js';

const name = z.string().min(1);
const nameMap = z.record(z.string().min(1), name);
const positive = z.number().positive();

const localModel = z.strictObject({
  model: name,
  // The spawn's own bound, so a plan file past it is a PlanError naming the field.
  replicas: z.number().int().positive().max(MAX_REPLICAS).optional(),
  mailbox: z
    .strictObject({
      capacity: z.number().int().positive().optional(),
      overflow: z.enum(['reject', 'wait']).optional(),
    })
    .optional(),
});

const natsActor = z.strictObject({
  nats: z.strictObject({
    actor: name.optional(),
    prefix: name.optional(),
    timeout: positive.optional(),
  }),
});

const oipModel = z.strictObject({
  oip: z.strictObject({
    url: z.url({ protocol: /^https?$/ }),
    model: name,
    version: name.optional(),
    timeout: positive.optional(),
    binary: z.boolean().optional(),
  }),
});

const actors = z.record(name, z.union([localModel, oipModel, natsActor])).optional();

const fusion = z.strictObject({
  strategy: z.enum(['mean', 'log-linear', 'log-mean', 'vote', 'max-confidence', 'rerank']),
  inputs: z.array(name).min(1),
  kind: z.enum(['logits', 'logprobs', 'probs', 'values']).optional(),
  weights: z.array(z.number().nonnegative()).optional(),
  temperatures: z.array(positive).optional(),
  output: name,
  scorer: z
    .strictObject({ actor: name, input: name, output: name, extra: nameMap.optional() })
    .optional(),
});

const round = z.strictObject({
  name: z.string().optional(),
  steps: z.array(z.strictObject({ actor: name, inputs: nameMap, outputs: nameMap })).min(1),
  fusion: fusion.optional(),
  stop: z
    .strictObject({
      tensor: name,
      atLeast: z.number(),
      reduce: z.enum(['min', 'mean', 'max']).optional(),
    })
    .optional(),
  quorum: z.number().int().positive().optional(),
  deadlineMs: positive.optional(),
  retries: z.number().int().nonnegative().optional(),
});

const roundsPlan = z.strictObject({
  kind: z.literal('rounds'),
  name,
  actors,
  inputs: z.array(name),
  outputs: z.array(name).min(1),
  rounds: z.array(round).min(1),
});

const decodePlan = z.strictObject({
  kind: z.literal('decode'),
  name,
  actors,
  models: z
    .array(z.strictObject({ actor: name, input: name.optional(), output: name.optional() }))
    .min(1),
  fusion: z.strictObject({
    strategy: z.enum(['log-linear', 'log-mean', 'mean']),
    weights: z.array(z.number().nonnegative()).optional(),
    temperatures: z.array(positive).optional(),
  }),
  search: z.strictObject({
    type: z.enum(['greedy', 'beam']),
    beamWidth: z.number().int().positive().optional(),
    lengthPenalty: z.number().nonnegative().optional(),
  }),
  context: z.number().int().positive(),
  endToken: z.number().int().nonnegative(),
  padToken: z.number().int().nonnegative().optional(),
  maxLength: z.number().int().positive(),
});

const speculativePlan = z.strictObject({
  kind: z.literal('speculative'),
  name,
  draft: name,
  target: name,
  k: z.number().int().positive().optional(),
  adaptive: z
    .union([
      z.boolean(),
      z.strictObject({
        minK: z.number().int().positive().optional(),
        maxK: z.number().int().positive().optional(),
        by: z.enum(['cost', 'acceptance']).optional(),
      }),
    ])
    .optional(),
  maxLength: z.number().int().positive().optional(),
  sampling: z.strictObject({ temperature: positive.optional(), seed: z.number().int() }).optional(),
});

/** A cascade plan's scorer; a thresholds file records one too (learn/cascade-thresholds-file.ts). */
export const cascadeScorerSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.enum(['max-probability', 'mean-logprob']),
    kind: z.enum(['logits', 'logprobs', 'probs']).optional(),
  }),
  z.strictObject({
    type: z.literal('actor'),
    actor: name,
    input: name,
    output: name,
    source: name.optional(),
  }),
]);

const cascadePlan = z.strictObject({
  kind: z.literal('cascade'),
  name,
  actors,
  input: name,
  output: name,
  stages: z
    .array(
      z.strictObject({
        actor: name,
        input: name.optional(),
        output: name.optional(),
        threshold: z.number().optional(),
        cost: positive.optional(),
      }),
    )
    .min(1),
  scorer: cascadeScorerSchema,
});

const planSchema = z.discriminatedUnion('kind', [
  roundsPlan,
  decodePlan,
  speculativePlan,
  cascadePlan,
]);

/**
 * Validates a plan read from JSON. A failure is a PlanError listing every problem with the path of
 * the field, e.g. `rounds[0].steps[1].actor: expected string, received number`.
 */
export function parsePlan(value: unknown, source = 'plan'): Plan {
  let parsed: ReturnType<typeof planSchema.safeParse>;
  try {
    parsed = planSchema.safeParse(value);
  } catch (error) {
    // A getter or a proxy of the caller's that throws while the plan is read.
    throw new PlanError(`${source} could not be read: ${(error as Error)?.message}`);
  }
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `  ${pathText(issue.path)}: ${issue.message}`,
    );
    throw new PlanError(`${source} is not a valid plan:\n${problems.join('\n')}`);
  }
  const plan = parsed.data as Plan;
  checkConsistency(plan, source);
  return plan;
}

export async function readPlanFile(path: string): Promise<Plan> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new PlanError(`cannot read plan file ${path}: ${(error as Error).message}`);
  }
  let text: string;
  try {
    // Strict: a plan whose names were decoded to U+FFFD would name actors nobody spawned.
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new PlanError(`plan file ${path} is not valid UTF-8`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new PlanError(`plan file ${path} is not JSON: ${(error as Error).message}`);
  }
  return parsePlan(json, `plan file ${path}`);
}

/** What a schema cannot say: lists whose lengths must agree, tensors read before anything wrote them. */
export function checkConsistency(plan: Plan, source = `plan "${plan.name}"`): void {
  const problems: string[] = [];
  if (plan.kind === 'cascade') {
    problems.push(...cascadeProblems(plan));
  } else if (plan.kind === 'decode') {
    const k = plan.models.length;
    if (plan.fusion.weights && plan.fusion.weights.length !== k)
      problems.push(`fusion.weights: ${plan.fusion.weights.length} weights for ${k} models`);
    if (plan.fusion.temperatures && plan.fusion.temperatures.length !== k)
      problems.push(
        `fusion.temperatures: ${plan.fusion.temperatures.length} temperatures for ${k} models`,
      );
  } else if (plan.kind === 'speculative') {
    const { minK, maxK } = typeof plan.adaptive === 'object' ? plan.adaptive : {};
    if (minK !== undefined && maxK !== undefined && minK > maxK)
      problems.push(`adaptive: minK (${minK}) is above maxK (${maxK})`);
    if (plan.draft === plan.target)
      problems.push(`draft and target are one decoder ("${plan.draft}"); spawn it twice`);
  } else {
    const known = new Set(plan.inputs);
    plan.rounds.forEach((round, r) => {
      round.steps.forEach((step, s) => {
        for (const [input, tensor] of Object.entries(step.inputs)) {
          if (!known.has(tensor))
            problems.push(
              `rounds[${r}].steps[${s}].inputs.${input}: tensor "${tensor}" is not a plan input nor written by an earlier round`,
            );
        }
      });
      for (const step of round.steps)
        for (const tensor of Object.values(step.outputs)) known.add(tensor);
      const fusion = round.fusion;
      if (fusion) {
        fusion.inputs.forEach((tensor, i) => {
          if (!known.has(tensor))
            problems.push(
              `rounds[${r}].fusion.inputs[${i}]: tensor "${tensor}" is not written by this or an earlier round`,
            );
        });
        const k = fusion.inputs.length;
        if (fusion.weights && fusion.weights.length !== k)
          problems.push(
            `rounds[${r}].fusion.weights: ${fusion.weights.length} weights for ${k} inputs`,
          );
        if (fusion.temperatures && fusion.temperatures.length !== k)
          problems.push(
            `rounds[${r}].fusion.temperatures: ${fusion.temperatures.length} temperatures for ${k} inputs`,
          );
        if (fusion.strategy === 'rerank' && !fusion.scorer)
          problems.push(`rounds[${r}].fusion.scorer: the rerank strategy needs a scorer actor`);
        if (fusion.kind === 'values' && fusion.strategy !== 'mean')
          problems.push(
            `rounds[${r}].fusion.kind: 'values' can only be fused by 'mean', not '${fusion.strategy}'`,
          );
        known.add(fusion.output);
      }
      if (round.stop && !known.has(round.stop.tensor))
        problems.push(
          `rounds[${r}].stop.tensor: tensor "${round.stop.tensor}" is not written by this or an earlier round`,
        );
      if (round.quorum !== undefined && round.quorum > round.steps.length)
        problems.push(
          `rounds[${r}].quorum: ${round.quorum} is more than the round's ${round.steps.length} steps`,
        );
    });
    plan.outputs.forEach((tensor, i) => {
      if (!known.has(tensor)) problems.push(`outputs[${i}]: tensor "${tensor}" is never written`);
    });
  }
  if (problems.length > 0)
    throw new PlanError(`${source} is not a valid plan:\n  ${problems.join('\n  ')}`);
}

/** Every stage but the last needs a finite threshold; the last takes every row, so has none. */
function cascadeProblems(plan: CascadePlan): string[] {
  const problems: string[] = [];
  const last = plan.stages.length - 1;
  plan.stages.forEach((stage, i) => {
    if (i < last && stage.threshold === undefined)
      problems.push(
        `stages[${i}].threshold: stage "${stage.actor}" is not the last, so it needs a threshold (the score below which a row escalates)`,
      );
    if (stage.threshold !== undefined && !Number.isFinite(stage.threshold))
      problems.push(`stages[${i}].threshold: expected a finite number, got ${stage.threshold}`);
    if (i === last && stage.threshold !== undefined)
      problems.push(
        `stages[${i}].threshold: stage "${stage.actor}" is the last, it answers every row it gets; remove its threshold`,
      );
    if (stage.cost !== undefined && !(Number.isFinite(stage.cost) && stage.cost > 0))
      problems.push(`stages[${i}].cost: expected a positive finite number, got ${stage.cost}`);
  });
  return problems;
}

function pathText(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  return path
    .map((part, i) =>
      typeof part === 'number' ? `[${part}]` : `${i === 0 ? '' : '.'}${String(part)}`,
    )
    .join('');
}
