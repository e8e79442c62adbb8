import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Roundtable } from '../../runtime/roundtable.js';
import { QualityEstimator } from '../qe/quality-estimator.js';
import { TranslationMemory } from '../tm/index.js';
import { promptLayout } from '../translate/prompt.js';
import type { RoutesFile, TranslationPlan } from '../translate/translation-plan.js';
import type { TranslationMethod } from '../translate/translator-types.js';
import { tuneOnDev } from '../translate/tune-on-dev.js';
import { MAX_SENTENCE_WORDS } from './grammar.js';
import { buildSyntheticModels } from './synthetic-engines.js';
import { SyntheticPair } from './synthetic-pair.js';
import { DEFAULT_CONTEXT } from './translation-model.js';

export interface WriteSyntheticPairOptions {
  readonly seed?: number;
  /** Training sentences written as `train.tmx`; default 20 000. */
  readonly train?: number;
  /** Dev sentences the plan is tuned on; default 200. */
  readonly dev?: number;
  /** Held-out sentences written as `test.qsx` and `test.qtx`; default 300. */
  readonly test?: number;
  /** The plan's method; default 'ensemble'. */
  readonly method?: TranslationMethod;
}

export interface WrittenSyntheticPair {
  readonly dir: string;
  /** Paths relative to `dir`. */
  readonly files: readonly string[];
}

/** Maximum target tokens: the longest sentence plus the end token and one spare. */
export const SYNTHETIC_MAX_LENGTH = MAX_SENTENCE_WORDS + 2;

/**
 * Writes the synthetic language pair as a user's files would be: the vocabulary, the engine and
 * QE models, a translation plan tuned on the dev split, a routes file, the training split as TMX
 * (for `roundtable tm import`), and the held-out split as source and reference text files.
 */
export async function writeSyntheticPair(
  dir: string,
  options: WriteSyntheticPairOptions = {},
): Promise<WrittenSyntheticPair> {
  const seed = options.seed ?? 1;
  const pair = SyntheticPair.create({ seed });
  const models = buildSyntheticModels(pair);
  const { tokenizer } = pair;
  const layout = promptLayout(tokenizer);
  const from = SyntheticPair.SOURCE_LANGUAGE;
  const to = SyntheticPair.TARGET_LANGUAGE;
  await mkdir(join(dir, 'models'), { recursive: true });
  const files: string[] = [];
  const write = async (file: string, data: string | Uint8Array) => {
    await writeFile(join(dir, file), data);
    files.push(file);
  };
  await write('vocab.json', `${JSON.stringify(tokenizer.toJSON())}\n`);
  for (const { spec, model } of [...models.engines, models.qe])
    await write(`models/${spec.name}.onnx`, model.bytes);

  const runtime = await Roundtable.create();
  let tuning: Awaited<ReturnType<typeof tuneOnDev>>;
  try {
    const [qe] = await Promise.all([
      QualityEstimator.create(runtime, {
        model: models.qe.model.bytes,
        layout,
        context: DEFAULT_CONTEXT,
      }),
      ...models.engines.map(({ spec, model }) =>
        runtime.spawnModel(spec.name, { model: model.bytes }),
      ),
    ]);
    tuning = await tuneOnDev(runtime, {
      engines: models.engines.map((e) => e.spec.name),
      qe,
      tokenizer,
      layout,
      context: DEFAULT_CONTEXT,
      dev: pair.sample('dev', options.dev ?? 200),
    });
  } finally {
    await runtime.close();
  }
  const round = (x: number) => Number(x.toPrecision(6));
  const plan: TranslationPlan = {
    kind: 'translation',
    name: `synthetic ${from}→${to}, seed ${seed}`,
    from,
    to,
    tokenizer: { type: 'word', vocabulary: 'vocab.json' },
    engines: tuning.engines.map((e) => ({
      name: e.name,
      model: `models/${e.name}.onnx`,
      weight: round(e.weight),
      temperature: round(e.temperature),
    })),
    context: DEFAULT_CONTEXT,
    maxLength: SYNTHETIC_MAX_LENGTH,
    beamWidth: 4,
    method: options.method ?? 'ensemble',
    qe: {
      model: `models/${models.qe.spec.name}.onnx`,
      temperature: round(tuning.qe!.temperature),
      threshold: round(tuning.qe!.threshold),
    },
    tm: { min: 75, hintWeight: 0.1 },
  };
  const planFile = `${from}-${to}.translation.json`;
  await write(planFile, `${JSON.stringify(plan, null, 2)}\n`);
  const routes: RoutesFile = { kind: 'routes', routes: [{ from, to, plan: planFile }] };
  await write('routes.json', `${JSON.stringify(routes, null, 2)}\n`);

  const memory = TranslationMemory.open(':memory:');
  try {
    memory.addMany(
      pair
        .sample('train', options.train ?? 20_000)
        .map((s) => ({ from, to, source: s.source, target: s.target })),
    );
    await memory.exportTmx(join(dir, 'train.tmx'));
    files.push('train.tmx');
  } finally {
    memory.close();
  }
  const test = pair.sample('test', options.test ?? 300);
  await write(`test.${from}`, `${test.map((s) => s.source).join('\n')}\n`);
  await write(`test.${to}`, `${test.map((s) => s.target).join('\n')}\n`);
  return { dir, files };
}
