import { readFile, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import { PlanError } from '../errors.js';
import type { CascadePlan, CascadeScorer } from '../plans/plan.js';
import { cascadeScorerSchema } from '../plans/schema.js';

/**
 * What a file's thresholds apply to: the score the learner read. A threshold means nothing for
 * another score, so a plan whose scorer differs from the file's is refused.
 * - a name: a signal of a translation cascade (`qe`, `mean-logprob`, … in
 *   mt/translate/cascade-signals.ts, which this layer does not import);
 * - `{linear, bias}`: a logistic combination of such signals, fitted by `learn --cascade --signals`;
 * - a runtime cascade plan's scorer (`{"type": "max-probability"}`, …).
 */
export type CascadeThresholdsScorer =
  | string
  | {
      readonly linear: Readonly<Record<string, number>>;
      readonly bias?: number;
    }
  | CascadeScorer;

/** What `roundtable learn --cascade` writes: a threshold per stage but the last, and how it was fitted. */
export interface CascadeThresholds {
  /** The stages' models, cheapest first. */
  readonly models: readonly string[];
  /**
   * The scorer the thresholds were learnt for. Absent in a version 1 file, which did not record
   * it: such a file is applied without the check.
   */
  readonly scorer?: CascadeThresholdsScorer;
  readonly thresholds: readonly number[];
  /** The target and what the thresholds gave on the set they were fitted on. */
  readonly fitted: {
    readonly metric: 'chrf' | 'mean';
    readonly target: number;
    readonly quality: number;
    readonly cost: number;
    readonly reached: readonly number[];
    readonly segments: number;
  };
}

const FORMAT = 'roundtable.cascade-thresholds';

const scorerSchema = z.union([
  z.string().min(1),
  z.strictObject({
    linear: z.record(z.string().min(1), z.number()),
    bias: z.number().optional(),
  }),
  cascadeScorerSchema,
]);

const common = {
  format: z.literal(FORMAT),
  models: z.array(z.string().min(1)).min(2),
  thresholds: z.array(z.number()),
  fitted: z.strictObject({
    metric: z.enum(['chrf', 'mean']),
    target: z.number(),
    quality: z.number(),
    cost: z.number().nonnegative(),
    reached: z.array(z.number().int().nonnegative()),
    segments: z.number().int().positive(),
  }),
};

// Version 2 adds the scorer; version 1 files (without it) are still read.
const fileSchema = z
  .discriminatedUnion('version', [
    z.strictObject({ ...common, version: z.literal(1) }),
    z.strictObject({ ...common, version: z.literal(2), scorer: scorerSchema }),
  ])
  .refine((file) => file.thresholds.length === file.models.length - 1, {
    message: 'thresholds must have one entry per model but the last',
    path: ['thresholds'],
  });

/** Writes version 2, which records the scorer the thresholds were learnt for. */
export async function saveCascadeThresholds(
  path: string,
  fit: CascadeThresholds & { readonly scorer: CascadeThresholdsScorer },
): Promise<void> {
  const { models, scorer, thresholds, fitted } = fit;
  const file = { format: FORMAT, version: 2 as const, models, scorer, thresholds, fitted };
  const checked = fileSchema.safeParse(file);
  if (!checked.success)
    throw new RangeError(`save cascade thresholds: ${z.prettifyError(checked.error)}`);
  await writeFile(path, `${JSON.stringify(file, null, 2)}\n`, 'utf8');
}

/** Reads and validates a file written by {@link saveCascadeThresholds} (version 2, or 1). */
export async function loadCascadeThresholds(path: string): Promise<CascadeThresholds> {
  const text = await readFile(path, 'utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new TypeError(`cascade thresholds ${path}: not JSON (${(error as Error).message})`);
  }
  const checked = fileSchema.safeParse(parsed);
  if (!checked.success)
    throw new TypeError(`cascade thresholds ${path}: ${z.prettifyError(checked.error)}`);
  const { models, thresholds, fitted } = checked.data;
  return checked.data.version === 2
    ? { models, scorer: checked.data.scorer as CascadeThresholdsScorer, thresholds, fitted }
    : { models, thresholds, fitted };
}

/**
 * Whether two scorers compute the same score: equal up to defaults (a plan scorer's `kind` is
 * logits unless given, a linear scorer's bias 0) and zero weights, which read nothing.
 */
export function sameCascadeScorer(a: CascadeThresholdsScorer, b: CascadeThresholdsScorer): boolean {
  return canonical(a) === canonical(b);
}

/** The scorer as a message shows it: a signal's name, or its JSON. */
export function describeCascadeScorer(scorer: CascadeThresholdsScorer): string {
  return typeof scorer === 'string' ? scorer : canonical(scorer);
}

function canonical(scorer: CascadeThresholdsScorer): string {
  if (typeof scorer === 'string') return JSON.stringify(scorer);
  if ('linear' in scorer) {
    const weights = Object.entries(scorer.linear)
      .filter(([, w]) => w !== 0)
      .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
    return JSON.stringify({ linear: Object.fromEntries(weights), bias: scorer.bias ?? 0 });
  }
  if (scorer.type === 'actor') {
    const { actor, input, output, source } = scorer;
    return JSON.stringify({ type: 'actor', actor, input, output, source: source ?? null });
  }
  return JSON.stringify({ type: scorer.type, kind: scorer.kind ?? 'logits' });
}

/**
 * The plan with the learnt thresholds, which must be for the plan's stages, in its order, and
 * for its scorer when the file records one (version 2).
 * @throws PlanError naming both when the stages or the scorer differ.
 */
export function applyCascadeThresholds(plan: CascadePlan, fit: CascadeThresholds): CascadePlan {
  const actors = plan.stages.map((stage) => stage.actor);
  if (actors.length !== fit.models.length || actors.some((a, i) => a !== fit.models[i]))
    throw new PlanError(
      `plan "${plan.name}": its stages are ${actors.join(', ')}; the thresholds were learnt for ${fit.models.join(', ')}`,
    );
  if (fit.scorer !== undefined && !sameCascadeScorer(plan.scorer, fit.scorer))
    throw new PlanError(
      `plan "${plan.name}": its scorer is ${describeCascadeScorer(plan.scorer)}; the thresholds were learnt for the scorer ${describeCascadeScorer(fit.scorer)}`,
    );
  return {
    ...plan,
    stages: plan.stages.map((stage, i) => {
      const { threshold: _old, ...rest } = stage;
      return i < fit.thresholds.length ? { ...rest, threshold: fit.thresholds[i]! } : rest;
    }),
  };
}
