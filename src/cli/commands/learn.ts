import { dirname, resolve } from 'node:path';
import { type Command, Option } from 'commander';
import {
  type LabelledSet,
  type LearnableStrategy,
  labelledSetFrom,
  learnFusionWeights,
  parseLabelledSet,
  saveFusionWeights,
} from '../../learn/index.js';
import type { Plan, RoundsPlan } from '../../plans/plan.js';
import { spawnPlanActors } from '../../runtime/plan-actors.js';
import { Roundtable } from '../../runtime/roundtable.js';
import type { HostTensor } from '../../tensor/index.js';
import {
  CliError,
  cliAction,
  inputError,
  parseNonNegativeInt,
  parsePositiveInt,
  usageError,
} from '../cli-error.js';
import { checkReadable, readInputLines, readUtf8File } from '../input-files.js';
import { readPlanArgument } from '../plan-file.js';
import { tensorFromJson } from '../tensor-json.js';
import { learnCascade } from './learn-cascade.js';
import { parseJsonLine } from './run.js';

interface LearnOptions {
  readonly data: string;
  readonly out: string;
  readonly plan?: string;
  readonly strategy?: 'log-linear' | 'mean';
  readonly models?: string;
  readonly epochs: number;
  readonly seed: number;
  readonly cascade?: boolean;
  readonly targetChrf?: string;
  readonly targetMean?: string;
  readonly scorer?: string;
  readonly signals?: string;
}

/**
 * `roundtable learn --data <labelled.jsonl> --out <weights.json> [--plan <plan.json>]`: learns
 * per-model fusion weights and temperatures (AdamW, a validation split, early stopping).
 *
 * Without --plan each line holds the models' outputs: `{"outputs": [[…], […]], "label": 3}`.
 * With --plan each line holds the plan's feeds and the gold class per row,
 * `{"features": {dtype, dims, data}, "label": 3}` (or `"label": [3, 1, …]` for a batch); the
 * plan's first fused round is run to collect what each model says, and the weights are learned
 * for that fusion, by the plan's own strategy when it is 'mean' or 'log-linear' (so that
 * `roundtable run --weights <file>` keeps what the plan outputs).
 */
export function registerLearn(program: Command): void {
  program
    .command('learn')
    .description('learn fusion weights and temperatures from a labelled JSONL set')
    .requiredOption(
      '--data <file>',
      'labelled JSONL: {"outputs": [[...], ...], "label": c}, or with --plan the feeds and "label"',
    )
    .requiredOption('--out <file>', 'where to write the weights (JSON)')
    .option('--plan <file>', "collect the models' outputs by running this plan file")
    .addOption(
      new Option(
        '--strategy <name>',
        "'log-linear', or 'mean' (weighted mean of probabilities); default: the plan's, else log-linear",
      ).choices(['log-linear', 'mean']),
    )
    .option(
      '--models <names>',
      'comma-separated model names, in the order of the outputs (without --plan)',
    )
    .option('--epochs <n>', 'most epochs', parsePositiveInt, 500)
    .option('--seed <n>', 'seed of the validation split', parseNonNegativeInt, 1)
    .option(
      '--cascade',
      'learn cascade thresholds instead: --data holds segments run on every stage (docs/cascades.md)',
    )
    .option('--target-chrf <x>', 'with --cascade: the corpus chrF the thresholds must reach')
    .option('--target-mean <x>', "with --cascade: the mean of the stages' quality to reach")
    .option(
      '--scorer <scorer>',
      "with --cascade: the scorer that gave each stage's score, recorded in the file: a translation cascade's signal (qe, mean-logprob, …) or a plan's scorer as JSON ('{\"type\":\"max-probability\"}')",
    )
    .option(
      '--signals <names>',
      'with --cascade, instead of --scorer: comma-separated signals (qe, mean-logprob, …) each stage carries in "signals"; fits their logistic combination as the scorer, then its thresholds',
    )
    .action(
      cliAction((options: LearnOptions, command: Command) =>
        options.cascade ? learnCascade(options, command) : learn(options, command),
      ),
    );
}

/** The plan's first learnable fusion strategy, in `--strategy` words. */
function planStrategy(plan: Plan): 'log-linear' | 'mean' | undefined {
  if (plan.kind === 'cascade') return undefined;
  const strategy =
    plan.kind === 'decode'
      ? plan.fusion.strategy
      : plan.kind === 'rounds'
        ? plan.rounds.find((round) => round.fusion && round.fusion.strategy !== 'rerank')?.fusion
            ?.strategy
        : undefined;
  return strategy === 'mean' || strategy === 'log-linear' ? strategy : undefined;
}

async function learn(options: LearnOptions, command: Command): Promise<void> {
  const plan = options.plan !== undefined ? readPlanArgument(options.plan) : undefined;
  const chosen = options.strategy ?? (plan ? planStrategy(plan) : undefined) ?? 'log-linear';
  const strategy: LearnableStrategy = chosen === 'mean' ? 'weighted-mean' : 'log-linear';
  checkReadable(options.data, 'labelled data');
  const { set, models } =
    plan && options.plan !== undefined
      ? await collect(plan, options.plan, options.data)
      : { set: readSet(options.data), models: options.models?.split(',') };
  const names = models ?? Array.from({ length: set.models }, (_, k) => `model${k}`);
  if (names.length !== set.models)
    throw usageError(`--models names ${names.length} models, the data has ${set.models}`);
  const learned = learnFusionWeights(set, {
    strategy,
    maxEpochs: options.epochs,
    seed: options.seed,
  });
  await saveFusionWeights(options.out, {
    strategy,
    weights: learned.weights,
    temperatures: learned.temperatures,
    models: names,
    metrics: learned.metrics,
  });
  const m = learned.metrics;
  const out = command.configureOutput().writeOut ?? ((text: string) => process.stdout.write(text));
  out(
    `learned ${chosen} fusion over ${set.models} models from ${m.trainExamples} examples (${m.validationExamples} held out):\n`,
  );
  names.forEach((name, k) =>
    out(
      `  ${name.padEnd(16)} weight ${learned.weights[k]!.toFixed(3)}  temperature ${learned.temperatures[k]!.toFixed(3)}\n`,
    ),
  );
  out(
    `held-out NLL ${m.validationLoss.toFixed(4)} (uniform weights ${m.uniformValidationLoss.toFixed(4)}), accuracy ${(m.validationAccuracy * 100).toFixed(1)}%; ${m.epochs} epochs${m.stoppedEarly ? ', stopped early' : ''}\n`,
  );
  out(`→ ${options.out}\n`);
}

/** Runs the plan's first fused round on every labelled line and keeps what each model said. */
async function collect(
  plan: Plan,
  planPath: string,
  dataPath: string,
): Promise<{ set: LabelledSet; models: string[] }> {
  if (plan.kind !== 'rounds')
    throw inputError({ file: planPath }, 'learning weights needs a plan of rounds with a fusion');
  const round = plan.rounds.find((r) => r.fusion && r.fusion.strategy !== 'rerank');
  if (!round?.fusion) throw inputError({ file: planPath }, 'has no fusion to learn weights for');
  const fusion = round.fusion;
  const models = fusion.inputs.map(
    (tensor) =>
      round.steps.find((step) => Object.values(step.outputs).includes(tensor))?.actor ?? tensor,
  );
  // The same plan up to that round, returning the fusion's inputs instead of fusing them.
  const upTo = plan.rounds.indexOf(round);
  const { fusion: _dropped, ...unfused } = round;
  const probe: RoundsPlan = {
    ...plan,
    outputs: [...fusion.inputs],
    rounds: [...plan.rounds.slice(0, upTo), unfused],
  };
  const runtime = await Roundtable.create();
  const outputs: number[][][] = [];
  const labels: number[] = [];
  try {
    await spawnPlanActors(runtime, plan, dirname(resolve(planPath)));
    for await (const { text, number: lineNumber } of readInputLines(dataPath)) {
      if (text.trim() === '') continue;
      const place = { file: dataPath, line: lineNumber };
      const json = parseJsonLine(text, place);
      const rowLabels = Array.isArray(json.label) ? json.label : [json.label];
      const bad = rowLabels.findIndex((label) => !Number.isInteger(label) || label < 0);
      if (bad >= 0)
        throw inputError(
          { ...place, field: 'label' },
          `expected a class index (or an array of them), got ${JSON.stringify(json.label)}`,
        );
      const feeds: Record<string, HostTensor> = {};
      for (const [name, value] of Object.entries(json)) {
        if (name === 'label') continue;
        try {
          feeds[name] = tensorFromJson(value);
        } catch (error) {
          throw inputError({ ...place, field: name }, (error as Error).message, error);
        }
      }
      const result = await runtime.run(probe, feeds);
      const perModel = fusion.inputs.map((tensor) => result.outputs[tensor]!);
      const classes = perModel[0]!.dims.at(-1)!;
      const rows = (perModel[0]!.data as Float32Array).length / classes;
      if (rowLabels.length !== rows)
        throw inputError(
          { ...place, field: 'label' },
          `${rows} rows of outputs but ${rowLabels.length} labels`,
        );
      for (let r = 0; r < rows; r++) {
        outputs.push(
          perModel.map((t) =>
            Array.from((t.data as Float32Array).subarray(r * classes, (r + 1) * classes)),
          ),
        );
        labels.push(Number(rowLabels[r]));
      }
    }
  } finally {
    await runtime.close();
  }
  return { set: labelledSetFrom(outputs, labels), models };
}

/** The labelled set without a plan, read strictly as UTF-8; format errors name the file. */
function readSet(file: string): LabelledSet {
  const text = readUtf8File(file, 'labelled data');
  try {
    return parseLabelledSet(text, file);
  } catch (error) {
    // The builder's messages already start with the file and the line.
    throw new CliError('input', (error as Error).message, { cause: error });
  }
}
