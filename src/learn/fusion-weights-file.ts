import { readFile, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import type { FusionStrategy } from '../engines/fusion/kernels/fuse.js';
import { fusionStrategies } from '../engines/fusion/kernels/fuse.js';

/** What a fusion weights file holds: enough to run the fusion again over the same models. */
export interface FusionWeights {
  readonly strategy: FusionStrategy;
  readonly weights: readonly number[];
  readonly temperatures: readonly number[];
  /** The models' names, in the order of the weights. */
  readonly models: readonly string[];
  /** How the weights were obtained (losses, accuracy, epochs); free-form, numbers and flags. */
  readonly metrics?: Readonly<Record<string, number | boolean | string>> | undefined;
}

const FORMAT = 'roundtable.fusion-weights';

const fileSchema = z
  .object({
    format: z.literal(FORMAT),
    version: z.literal(1),
    strategy: z.enum(fusionStrategies as [FusionStrategy, ...FusionStrategy[]]),
    weights: z.array(z.number().nonnegative()).min(1),
    temperatures: z.array(z.number().positive()),
    models: z.array(z.string()),
    metrics: z.record(z.string(), z.union([z.number(), z.boolean(), z.string()])).optional(),
  })
  .refine((file) => file.temperatures.length === file.weights.length, {
    message: 'temperatures must have one entry per weight',
  })
  .refine((file) => file.models.length === file.weights.length, {
    message: 'models must name one model per weight',
  });

/** Writes the weights as JSON (with a format tag and version, so a reader can refuse others). */
export async function saveFusionWeights(path: string, fusion: FusionWeights): Promise<void> {
  const file = {
    format: FORMAT,
    version: 1 as const,
    strategy: fusion.strategy,
    weights: [...fusion.weights],
    temperatures: [...fusion.temperatures],
    models: [...fusion.models],
    ...(fusion.metrics === undefined ? {} : { metrics: { ...fusion.metrics } }),
  };
  const checked = fileSchema.safeParse(file);
  if (!checked.success) {
    throw new RangeError(`save fusion weights: ${z.prettifyError(checked.error)}`);
  }
  await writeFile(path, `${JSON.stringify(file, null, 2)}\n`, 'utf8');
}

/** Reads and validates a file written by {@link saveFusionWeights}. */
export async function loadFusionWeights(path: string): Promise<FusionWeights> {
  const text = await readFile(path, 'utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new TypeError(`fusion weights ${path}: not JSON (${(error as Error).message})`);
  }
  const checked = fileSchema.safeParse(parsed);
  if (!checked.success) {
    throw new TypeError(`fusion weights ${path}: ${z.prettifyError(checked.error)}`);
  }
  const { strategy, weights, temperatures, models, metrics } = checked.data;
  return { strategy, weights, temperatures, models, metrics };
}
