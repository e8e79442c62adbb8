import { readFile, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import { PlanError } from '../errors.js';
import type { CascadePlan } from '../plans/plan.js';

/** What `roundtable learn --cascade` writes: a threshold per stage but the last, and how it was fitted. */
export interface CascadeThresholds {
  /** The stages' models, cheapest first. */
  readonly models: readonly string[];
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

const fileSchema = z
  .strictObject({
    format: z.literal(FORMAT),
    version: z.literal(1),
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
  })
  .refine((file) => file.thresholds.length === file.models.length - 1, {
    message: 'thresholds must have one entry per model but the last',
    path: ['thresholds'],
  });

export async function saveCascadeThresholds(path: string, fit: CascadeThresholds): Promise<void> {
  const file = { format: FORMAT, version: 1 as const, ...fit };
  const checked = fileSchema.safeParse(file);
  if (!checked.success)
    throw new RangeError(`save cascade thresholds: ${z.prettifyError(checked.error)}`);
  await writeFile(path, `${JSON.stringify(file, null, 2)}\n`, 'utf8');
}

/** Reads and validates a file written by {@link saveCascadeThresholds}. */
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
  return { models, thresholds, fitted };
}

/** The plan with the learnt thresholds, which must be for the plan's stages, in its order. */
export function applyCascadeThresholds(plan: CascadePlan, fit: CascadeThresholds): CascadePlan {
  const actors = plan.stages.map((stage) => stage.actor);
  if (actors.length !== fit.models.length || actors.some((a, i) => a !== fit.models[i]))
    throw new PlanError(
      `plan "${plan.name}": its stages are ${actors.join(', ')}; the thresholds were learnt for ${fit.models.join(', ')}`,
    );
  return {
    ...plan,
    stages: plan.stages.map((stage, i) => {
      const { threshold: _old, ...rest } = stage;
      return i < fit.thresholds.length ? { ...rest, threshold: fit.thresholds[i]! } : rest;
    }),
  };
}
