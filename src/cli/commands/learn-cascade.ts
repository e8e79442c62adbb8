import type { Command } from 'commander';
import {
  type CascadeExample,
  type CascadeThresholdsScorer,
  describeCascadeScorer,
  learnCascadeThresholds,
  saveCascadeThresholds,
} from '../../learn/index.js';
import { fitCascadeScorer } from '../../learn/learn-cascade-scorer.js';
import { chrfOfStatistics, chrfStatistics } from '../../mt/metrics/chrf.js';
import { CASCADE_SIGNALS } from '../../mt/translate/cascade-signals.js';
import { cascadeScorerSchema } from '../../plans/schema.js';
import { CliError, inputError, usageError } from '../cli-error.js';
import { checkReadable, readInputLines } from '../input-files.js';
import { parseJsonLine } from './run.js';

export interface LearnCascadeOptions {
  readonly data: string;
  readonly out: string;
  readonly models?: string;
  readonly targetChrf?: string;
  readonly targetMean?: string;
  readonly scorer?: string;
  readonly signals?: string;
}

/** A segment as read: each stage's statistics and cost, and its score or its signals. */
interface ReadStage {
  readonly score: number;
  readonly signals: readonly number[];
  readonly cost: number;
  readonly stats: readonly number[];
}

/**
 * `roundtable learn --cascade --data <set.jsonl> --target-chrf <x> --scorer <s> --out <thresholds.json>`:
 * the cheapest thresholds whose corpus chrF on the set reaches the target. Each line is a segment
 * run on every stage, cheapest first:
 * `{"reference": "…", "stages": [{"hypothesis": "…", "score": -0.3, "cost": 1.2}, …]}`;
 * with `--target-mean`, each stage gives `"quality"` instead of a hypothesis (e.g. 1 when right).
 * `cost` defaults to 1 (every stage as costly), `score` of the last stage is not needed.
 *
 * `--scorer` names what gave the scores; the file records it, and a plan with another scorer
 * refuses the file. With `--signals qe,mean-logprob` instead, each stage but the last carries
 * `"signals": {"qe": -0.4, "mean-logprob": -0.2}`: their logistic combination is fitted first
 * (label: the next stage's answer is no better), its score is what the thresholds apply to, and
 * the file records the fitted combination as the scorer.
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
  const signals = signalsOf(options);
  const given = signals === undefined ? scorerOf(options) : undefined;
  checkReadable(options.data, 'labelled data');
  const segments: ReadStage[][] = [];
  for await (const { text, number: line } of readInputLines(options.data)) {
    if (text.trim() === '') continue;
    const place = { file: options.data, line };
    segments.push(stagesOf(parseJsonLine(text, place), metric, signals, place));
  }
  if (segments.length === 0) throw inputError({ file: options.data }, 'has no segments');
  const stages = segments[0]!.length;
  const models =
    options.models?.split(',') ?? Array.from({ length: stages }, (_, s) => `stage${s}`);
  if (models.length !== stages)
    throw usageError(`--models names ${models.length} models, the data has ${stages} stages`);
  const quality =
    metric === 'chrf'
      ? (sums: readonly number[]) => chrfOfStatistics(sums)
      : (sums: readonly number[]) => sums[0]! / sums[1]!;

  let scorer: CascadeThresholdsScorer;
  let score: (stage: ReadStage) => number;
  try {
    if (signals !== undefined) {
      const fit = fitCascadeScorer(
        segments.map((segment) => ({
          signals: segment.slice(0, -1).map((stage) => stage.signals),
          quality: segment.map((stage) => quality(stage.stats)),
        })),
      );
      scorer = {
        linear: Object.fromEntries(signals.map((s, j) => [s, fit.weights[j]!])),
        bias: fit.bias,
      };
      score = (stage) => stage.signals.reduce((sum, x, j) => sum + fit.weights[j]! * x, fit.bias);
    } else {
      scorer = given!;
      score = (stage) => stage.score;
    }
  } catch (error) {
    throw new CliError('input', `${options.data}: ${(error as Error).message}`, { cause: error });
  }
  const examples: CascadeExample[] = segments.map((segment) => ({
    stages: segment.map((stage, s) => ({
      score: s < stages - 1 ? score(stage) : Number.NaN,
      cost: stage.cost,
      stats: stage.stats,
    })),
  }));
  let fit: ReturnType<typeof learnCascadeThresholds>;
  try {
    fit = learnCascadeThresholds(examples, { target, quality });
  } catch (error) {
    throw new CliError('input', `${options.data}: ${(error as Error).message}`, { cause: error });
  }
  await saveCascadeThresholds(options.out, {
    models,
    scorer,
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
  out(
    `  scorer${signals ? ' (fitted: logistic combination of the signals)' : ''}: ${describeCascadeScorer(scorer)}\n`,
  );
  fit.thresholds.forEach((t, s) => out(`  ${models[s]!.padEnd(16)} stop at score ≥ ${t}\n`));
  out(
    `on the set: ${metric} ${fit.quality.toFixed(3)}, mean cost ${fit.cost.toFixed(4)} per segment; segments reaching each stage ${fit.reached.join(', ')}\n`,
  );
  out(`→ ${options.out}\n`);
}

/** `--signals`: names of cascade-signals.ts, each once; undefined without the option. */
function signalsOf(options: LearnCascadeOptions): string[] | undefined {
  if (options.signals === undefined) return undefined;
  if (options.scorer !== undefined)
    throw usageError(
      '--cascade takes --scorer <the scorer of the scores> or --signals <names to combine>, not both',
    );
  const names = options.signals.split(',').map((s) => s.trim());
  const known = CASCADE_SIGNALS as readonly string[];
  for (const name of names)
    if (!known.includes(name))
      throw usageError(
        `--signals: unknown signal ${JSON.stringify(name)}; expected names from ${CASCADE_SIGNALS.join(', ')}`,
      );
  if (new Set(names).size !== names.length)
    throw usageError(`--signals: a signal is named twice in ${JSON.stringify(options.signals)}`);
  return names;
}

/** `--scorer`: a plan's scorer as JSON when it starts with `{`, else a signal's name. */
function scorerOf(options: LearnCascadeOptions): CascadeThresholdsScorer {
  const text = options.scorer?.trim();
  if (text === undefined || text === '')
    throw usageError(
      "--cascade needs --scorer <the scorer that gave the scores: a signal such as qe, or a plan's scorer as JSON> or --signals <names to combine>: the thresholds file records it",
    );
  if (!text.startsWith('{')) {
    if (!(CASCADE_SIGNALS as readonly string[]).includes(text))
      throw usageError(
        `--scorer: unknown signal ${JSON.stringify(text)}; expected one of ${CASCADE_SIGNALS.join(', ')}, or a plan's scorer as JSON ('{"type":"max-probability"}')`,
      );
    return text;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw usageError(`--scorer: not JSON (${(error as Error).message})`);
  }
  const checked = cascadeScorerSchema.safeParse(parsed);
  if (!checked.success)
    throw usageError(
      `--scorer: expected a cascade plan's scorer ({"type": "max-probability" | "mean-logprob", "kind"?} or {"type": "actor", "actor", "input", "output", "source"?}), got ${text}`,
    );
  return checked.data;
}

function stagesOf(
  json: Record<string, unknown>,
  metric: 'chrf' | 'mean',
  signals: readonly string[] | undefined,
  place: { readonly file: string; readonly line: number },
): ReadStage[] {
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
  return stages.map((stage: unknown, s) => {
    const at = { ...place, field: `stages[${s}]` };
    if (typeof stage !== 'object' || stage === null) throw inputError(at, 'expected an object');
    const fields = stage as Record<string, unknown>;
    const { hypothesis, score, cost, quality } = fields;
    const last = s === stages.length - 1;
    if (!last && signals === undefined && typeof score !== 'number')
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
      signals: last || signals === undefined ? [] : signalValues(fields.signals, signals, s, at),
      cost: (cost as number | undefined) ?? 1,
      stats,
    };
  });
}

/** A stage's `"signals"`: every named signal, a finite number (the fit needs each). */
function signalValues(
  given: unknown,
  names: readonly string[],
  s: number,
  at: { readonly file: string; readonly line: number },
): number[] {
  if (typeof given !== 'object' || given === null || Array.isArray(given))
    throw inputError(
      { ...at, field: `stages[${s}].signals` },
      `--signals needs each stage but the last to carry {${names.map((n) => `"${n}": <number>`).join(', ')}}, got ${JSON.stringify(given)}`,
    );
  return names.map((name) => {
    const value = (given as Record<string, unknown>)[name];
    if (typeof value !== 'number' || !Number.isFinite(value))
      throw inputError(
        { ...at, field: `stages[${s}].signals.${name}` },
        `expected a finite number, got ${JSON.stringify(value)}`,
      );
    return value;
  });
}
