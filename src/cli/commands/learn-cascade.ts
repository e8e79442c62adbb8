import type { Command } from 'commander';
import {
  type CascadeExample,
  learnCascadeThresholds,
  saveCascadeThresholds,
} from '../../learn/index.js';
import { chrfOfStatistics, chrfStatistics } from '../../mt/metrics/chrf.js';
import { CliError, inputError, usageError } from '../cli-error.js';
import { checkReadable, readInputLines } from '../input-files.js';
import { parseJsonLine } from './run.js';

export interface LearnCascadeOptions {
  readonly data: string;
  readonly out: string;
  readonly models?: string;
  readonly targetChrf?: string;
  readonly targetMean?: string;
}

/**
 * `roundtable learn --cascade --data <set.jsonl> --target-chrf <x> --out <thresholds.json>`: the
 * cheapest thresholds whose corpus chrF on the set reaches the target. Each line is a segment run
 * on every stage, cheapest first:
 * `{"reference": "…", "stages": [{"hypothesis": "…", "score": -0.3, "cost": 1.2}, …]}`;
 * with `--target-mean`, each stage gives `"quality"` instead of a hypothesis (e.g. 1 when right).
 * `cost` defaults to 1 (every stage as costly), `score` of the last stage is not needed.
 */
export async function learnCascade(options: LearnCascadeOptions, command: Command): Promise<void> {
  const metric = options.targetChrf !== undefined ? 'chrf' : 'mean';
  const targetText = options.targetChrf ?? options.targetMean;
  if (
    targetText === undefined ||
    (options.targetChrf !== undefined && options.targetMean !== undefined)
  )
    throw usageError('--cascade needs exactly one of --target-chrf <x> and --target-mean <x>');
  const target = Number(targetText);
  if (targetText.trim() === '' || !Number.isFinite(target))
    throw usageError(`--target-${metric}: expected a number, got ${JSON.stringify(targetText)}`);
  checkReadable(options.data, 'labelled data');
  const examples: CascadeExample[] = [];
  for await (const { text, number: line } of readInputLines(options.data)) {
    if (text.trim() === '') continue;
    examples.push(
      exampleOf(parseJsonLine(text, { file: options.data, line }), metric, {
        file: options.data,
        line,
      }),
    );
  }
  if (examples.length === 0) throw inputError({ file: options.data }, 'has no segments');
  const stages = examples[0]!.stages.length;
  const models =
    options.models?.split(',') ?? Array.from({ length: stages }, (_, s) => `stage${s}`);
  if (models.length !== stages)
    throw usageError(`--models names ${models.length} models, the data has ${stages} stages`);
  const quality =
    metric === 'chrf'
      ? (sums: readonly number[]) => chrfOfStatistics(sums)
      : (sums: readonly number[]) => sums[0]! / sums[1]!;
  let fit: ReturnType<typeof learnCascadeThresholds>;
  try {
    fit = learnCascadeThresholds(examples, { target, quality });
  } catch (error) {
    throw new CliError('input', `${options.data}: ${(error as Error).message}`, { cause: error });
  }
  await saveCascadeThresholds(options.out, {
    models,
    thresholds: fit.thresholds,
    fitted: {
      metric,
      target,
      quality: fit.quality,
      cost: fit.cost,
      reached: fit.reached,
      segments: examples.length,
    },
  });
  const out = command.configureOutput().writeOut ?? ((t: string) => process.stdout.write(t));
  out(
    `learned cascade thresholds over ${models.join(' → ')} from ${examples.length} segments for ${metric} ≥ ${target}:\n`,
  );
  fit.thresholds.forEach((t, s) => out(`  ${models[s]!.padEnd(16)} stop at score ≥ ${t}\n`));
  out(
    `on the set: ${metric} ${fit.quality.toFixed(3)}, mean cost ${fit.cost.toFixed(4)} per segment; segments reaching each stage ${fit.reached.join(', ')}\n`,
  );
  out(`→ ${options.out}\n`);
}

function exampleOf(
  json: Record<string, unknown>,
  metric: 'chrf' | 'mean',
  place: { readonly file: string; readonly line: number },
): CascadeExample {
  const stages = json.stages;
  if (!Array.isArray(stages) || stages.length < 2)
    throw inputError(
      { ...place, field: 'stages' },
      'expected an array of at least 2 stages, cheapest first',
    );
  const reference = json.reference;
  if (metric === 'chrf' && typeof reference !== 'string')
    throw inputError(
      { ...place, field: 'reference' },
      `--target-chrf needs the reference text, got ${JSON.stringify(reference)}`,
    );
  return {
    stages: stages.map((stage: unknown, s) => {
      const at = { ...place, field: `stages[${s}]` };
      if (typeof stage !== 'object' || stage === null) throw inputError(at, 'expected an object');
      const { hypothesis, score, cost, quality } = stage as Record<string, unknown>;
      const last = s === stages.length - 1;
      if (!last && typeof score !== 'number')
        throw inputError(
          { ...at, field: `stages[${s}].score` },
          `expected a number (the cascade decides on it), got ${JSON.stringify(score)}`,
        );
      if (cost !== undefined && !(typeof cost === 'number' && Number.isFinite(cost) && cost >= 0))
        throw inputError(
          { ...at, field: `stages[${s}].cost` },
          `expected a finite number >= 0, got ${JSON.stringify(cost)}`,
        );
      let stats: number[];
      if (metric === 'chrf') {
        if (typeof hypothesis !== 'string')
          throw inputError(
            { ...at, field: `stages[${s}].hypothesis` },
            `expected the stage's translation, got ${JSON.stringify(hypothesis)}`,
          );
        stats = chrfStatistics(hypothesis, [reference as string]);
      } else {
        if (typeof quality !== 'number' || !Number.isFinite(quality))
          throw inputError(
            { ...at, field: `stages[${s}].quality` },
            `expected a finite number, got ${JSON.stringify(quality)}`,
          );
        stats = [quality, 1];
      }
      return {
        score: typeof score === 'number' ? score : Number.NaN,
        cost: (cost as number | undefined) ?? 1,
        stats,
      };
    }),
  };
}
