import { createReadStream } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { PlanError } from '../../errors.js';
import {
  type LabelledSet,
  type LearnableStrategy,
  labelledSetFrom,
  learnFusionWeights,
  readLabelledSet,
  saveFusionWeights,
} from '../../fusion/learn/index.js';
import type { RoundsPlan } from '../../plans/plan.js';
import { readPlanFile } from '../../plans/schema.js';
import { spawnPlanActors } from '../../runtime/plan-actors.js';
import { Roundtable } from '../../runtime/roundtable.js';
import type { HostTensor } from '../../tensor/index.js';
import { tensorFromJson } from '../tensor-json.js';

interface LearnOptions {
  readonly data: string;
  readonly out: string;
  readonly plan?: string;
  readonly strategy: 'log-linear' | 'mean';
  readonly models?: string;
  readonly epochs: number;
  readonly seed: number;
}

/**
 * `roundtable learn --data <labelled.jsonl> --out <weights.json> [--plan <plan.json>]`: learns
 * per-model fusion weights and temperatures (AdamW, a validation split, early stopping).
 *
 * Without --plan each line holds the models' outputs: `{"outputs": [[…], […]], "label": 3}`.
 * With --plan each line holds the plan's feeds and the gold class per row,
 * `{"features": {dtype, dims, data}, "label": 3}` (or `"label": [3, 1, …]` for a batch); the
 * plan's first fused round is run to collect what each model says, and the weights are learned
 * for that fusion. `roundtable run --weights <file>` then uses them.
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
    .option(
      '--strategy <name>',
      "'log-linear' or 'mean' (weighted mean of probabilities)",
      'log-linear',
    )
    .option(
      '--models <names>',
      'comma-separated model names, in the order of the outputs (without --plan)',
    )
    .option('--epochs <n>', 'most epochs', (v) => Number.parseInt(v, 10), 500)
    .option('--seed <n>', 'seed of the validation split', (v) => Number.parseInt(v, 10), 1)
    .action((options: LearnOptions, command: Command) => learn(options, command));
}

async function learn(options: LearnOptions, command: Command): Promise<void> {
  const strategy: LearnableStrategy = options.strategy === 'mean' ? 'weighted-mean' : 'log-linear';
  if (options.strategy !== 'mean' && options.strategy !== 'log-linear') {
    throw new RangeError(`--strategy must be 'log-linear' or 'mean', got '${options.strategy}'`);
  }
  const { set, models } = options.plan
    ? await collect(options.plan, options.data)
    : { set: await readLabelledSet(options.data), models: options.models?.split(',') };
  const names = models ?? Array.from({ length: set.models }, (_, k) => `model${k}`);
  if (names.length !== set.models)
    throw new RangeError(`--models names ${names.length} models, the data has ${set.models}`);
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
    `learned ${options.strategy} fusion over ${set.models} models from ${m.trainExamples} examples (${m.validationExamples} held out):\n`,
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
  planPath: string,
  dataPath: string,
): Promise<{ set: LabelledSet; models: string[] }> {
  const plan = await readPlanFile(planPath);
  if (plan.kind !== 'rounds')
    throw new PlanError(
      `plan file ${planPath}: learning weights needs a plan of rounds with a fusion`,
    );
  const round = plan.rounds.find((r) => r.fusion && r.fusion.strategy !== 'rerank');
  if (!round?.fusion)
    throw new PlanError(`plan file ${planPath} has no fusion to learn weights for`);
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
    const lines = createInterface({
      input: createReadStream(dataPath, 'utf8'),
      crlfDelay: Number.POSITIVE_INFINITY,
    });
    let lineNumber = 0;
    for await (const line of lines) {
      lineNumber++;
      if (line.trim() === '') continue;
      const json = JSON.parse(line) as Record<string, unknown>;
      const rowLabels = Array.isArray(json.label) ? json.label : [json.label];
      const feeds: Record<string, HostTensor> = {};
      for (const [name, value] of Object.entries(json))
        if (name !== 'label') feeds[name] = tensorFromJson(name, value);
      const result = await runtime.run(probe, feeds);
      const perModel = fusion.inputs.map((tensor) => result.outputs[tensor]!);
      const classes = perModel[0]!.dims.at(-1)!;
      const rows = (perModel[0]!.data as Float32Array).length / classes;
      if (rowLabels.length !== rows)
        throw new RangeError(
          `${dataPath}:${lineNumber}: ${rows} rows of outputs but ${rowLabels.length} labels`,
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
