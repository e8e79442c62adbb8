import { performance } from 'node:perf_hooks';
import { Roundtable } from '../../runtime/roundtable.js';
import { spawnHintActor } from '../hint/spawn-hint-actor.js';
import { corpusBleu, corpusChrf } from '../metrics/index.js';
import { QualityEstimator } from '../qe/quality-estimator.js';
import {
  buildSyntheticModels,
  type ModelSpec,
  SYNTHETIC_ENGINES,
  SYNTHETIC_LARGE_ENGINE,
  SYNTHETIC_QE,
  SYNTHETIC_SHARED_NOISE,
} from '../synthetic/synthetic-engines.js';
import { SyntheticPair } from '../synthetic/synthetic-pair.js';
import { DEFAULT_CONTEXT } from '../synthetic/translation-model.js';
import { SYNTHETIC_MAX_LENGTH } from '../synthetic/write-synthetic-pair.js';
import { TmActor } from '../tm-actor/tm-actor-client.js';
import { promptLayout } from '../translate/prompt.js';
import { Translator } from '../translate/translator.js';
import type { Translation, TranslationMethod } from '../translate/translator-types.js';
import { tuneOnDev } from '../translate/tune-on-dev.js';
import { type CascadeQualityReport, measureCascade } from './cascade-quality.js';
import { forEachConcurrently } from './for-each-concurrently.js';

export interface QualityOptions {
  /** Seed of the language pair; default 1. */
  readonly pairSeed?: number;
  /** Sentences in the translation memory (the training split); default 20 000. */
  readonly trainSize?: number;
  /** Sentences the engines are measured and fused on, and QE calibrated on; default 200. */
  readonly devSize?: number;
  /** Held-out sentences scored; default 300. */
  readonly testSize?: number;
  /** Name of the held-out split; default 'test' (another name draws other sentences). */
  readonly testSplit?: string;
  readonly engines?: readonly ModelSpec[];
  readonly qe?: ModelSpec;
  readonly sharedNoise?: number;
  /** Beam width of every decode; default 4. */
  readonly beamWidth?: number;
  /** Fusion weight of the hint actor carrying a fuzzy TM match; default 0.1. */
  readonly hintWeight?: number;
  /** Share of dev references whose QE is below the refinement threshold; default 0.5. */
  readonly refineQuantile?: number;
  /** Also run every method with the translation memory; default true. */
  readonly withTm?: boolean;
  /** Sentences translated at once; default 6. */
  readonly concurrency?: number;
  readonly onProgress?: (done: number, total: number) => void;
  /** Called as each phase ends, with its duration in seconds. */
  readonly onPhase?: (phase: string, seconds: number) => void;
  /** Also measure the cascade of the cheap engine and the costly one (engine-large); default true. */
  readonly cascade?: boolean;
  /** Keep every translation in the report (for inspection); default false. */
  readonly keepTranslations?: boolean;
}

/** One held-out sentence and what every system made of it. */
export interface QualitySentence {
  readonly source: string;
  readonly reference: string;
  readonly plain: readonly Translation[];
  readonly tm: readonly Translation[];
}

export interface QualityRow {
  /** What produced the translations: an engine name or a method. */
  readonly system: string;
  readonly method: TranslationMethod;
  readonly tm: boolean;
  readonly chrf: number;
  readonly bleu: number;
  /** Mean model runs per sentence (Translation.modelRuns). */
  readonly modelRuns: number;
}

export interface QualityReport {
  readonly rows: readonly QualityRow[];
  readonly engines: readonly (ModelSpec & {
    readonly devAccuracy: number;
    readonly weight: number;
    readonly temperature: number;
  })[];
  readonly qe: ModelSpec & {
    readonly threshold: number;
    readonly temperature: number;
    /** Share of dev references whose QE is below the threshold. */
    readonly quantile: number;
  };
  readonly sharedNoise: number;
  readonly sizes: {
    readonly train: number;
    readonly dev: number;
    readonly test: number;
    readonly devTokens: number;
  };
  /** How the held-out sentences matched the memory. */
  readonly tmMatches: { readonly exact: number; readonly fuzzy: number; readonly none: number };
  /** Mean escalating refinement rounds run after the draft, without and with the memory. */
  readonly refineRounds: { readonly plain: number; readonly tm: number };
  readonly signatures: { readonly chrf: string; readonly bleu: string };
  readonly pairSeed: number;
  readonly beamWidth: number;
  readonly hintWeight: number;
  readonly seconds: number;
  /** The cascade (cascade-quality.ts), unless turned off. */
  readonly cascade?: CascadeQualityReport;
  readonly translations?: readonly QualitySentence[];
}

const METHODS: readonly TranslationMethod[] = [
  'single',
  'ensemble',
  'refine',
  'refine-ensemble',
  'rerank',
  'mbr',
];
const METHOD_NAMES: Record<string, string> = {
  single: 'best single model',
  ensemble: 'ensemble decoding',
  refine: 'refinement, escalating rounds (QE stop)',
  'refine-ensemble': 'refinement, one ensemble round (QE stop)',
  rerank: 'QE reranking',
  mbr: 'MBR (chrF)',
};

/**
 * The honest measure of collaboration: on held-out sentences of the synthetic pair, chrF and BLEU
 * of each engine alone, of every collaboration method, and of each method with the translation
 * memory. Everything that is tuned (engine order, fusion weights, QE threshold) is tuned on the
 * dev split; the memory holds the training split; the test split is only scored.
 */
export async function runQuality(options: QualityOptions = {}): Promise<QualityReport> {
  const started = performance.now();
  let last = started;
  const lap = (phase: string) => {
    const now = performance.now();
    options.onPhase?.(phase, (now - last) / 1000);
    last = now;
  };
  const pairSeed = options.pairSeed ?? 1;
  const sizes = {
    train: options.trainSize ?? 20_000,
    dev: options.devSize ?? 200,
    test: options.testSize ?? 300,
  };
  const beamWidth = options.beamWidth ?? 4;
  const hintWeight = options.hintWeight ?? 0.1;
  const withTm = options.withTm ?? true;
  const sharedNoise = options.sharedNoise ?? SYNTHETIC_SHARED_NOISE;
  const pair = SyntheticPair.create({ seed: pairSeed });
  const models = buildSyntheticModels(pair, {
    engines: options.engines ?? SYNTHETIC_ENGINES,
    qe: options.qe ?? SYNTHETIC_QE,
    sharedNoise,
  });
  const withCascade = options.cascade ?? true;
  const large = withCascade
    ? buildSyntheticModels(pair, { engines: [SYNTHETIC_LARGE_ENGINE], sharedNoise }).engines[0]!
    : undefined;
  const context = DEFAULT_CONTEXT;
  const maxLength = SYNTHETIC_MAX_LENGTH;
  const tokenizer = pair.tokenizer;
  const layout = promptLayout(tokenizer);
  lap('synthetic pair and models built');
  const runtime = await Roundtable.create();
  try {
    const [qe, tm] = await Promise.all([
      QualityEstimator.create(runtime, { model: models.qe.model.bytes, layout, context }),
      withTm
        ? TmActor.spawn(runtime, 'tm', {
            path: ':memory:',
            from: SyntheticPair.SOURCE_LANGUAGE,
            to: SyntheticPair.TARGET_LANGUAGE,
          })
        : undefined,
      spawnHintActor(runtime, 'hint', { layout, vocab: tokenizer.vocabSize }),
      ...[...models.engines, ...(large ? [large] : [])].map(({ spec, model }) =>
        runtime.spawnModel(spec.name, { model: model.bytes }),
      ),
    ]);
    lap('actors started');
    if (tm) await tm.addMany(pair.sample('train', sizes.train));
    lap('translation memory filled');

    // Tuning on dev: which engine is best, how to weigh them, when QE is good enough.
    const dev = pair.sample('dev', sizes.dev);
    const tuning = await tuneOnDev(runtime, {
      engines: models.engines.map((e) => e.spec.name),
      qe,
      tokenizer,
      layout,
      context,
      dev,
      quantile: options.refineQuantile ?? 0.5,
    });
    const specs = new Map(models.engines.map((e) => [e.spec.name, e.spec]));
    const engines = tuning.engines.map((e) => ({ ...specs.get(e.name)!, ...e }));
    const { temperature: qeTemperature, threshold } = tuning.qe!;
    lap('engines ordered, calibrated and fused, QE calibrated, on dev');
    const translator = new Translator({
      runtime,
      tokenizer,
      layout,
      context,
      maxLength,
      engines: engines.map((e) => e.name),
      fusion: {
        weights: engines.map((e) => e.weight),
        temperatures: engines.map((e) => e.temperature),
      },
      beamWidth,
      hint: { actor: 'hint', weight: hintWeight },
      qe,
      refine: { threshold },
      ...(tm ? { tm } : {}),
    });

    const test = pair.sample(options.testSplit ?? 'test', sizes.test);
    const plainMethods: TranslationMethod[] = [
      ...engines.map((_, k): TranslationMethod => `engine:${k}`),
      ...METHODS.slice(1),
    ];
    const plain: Translation[][] = new Array(test.length);
    const withMemory: Translation[][] = new Array(test.length);
    let done = 0;
    await forEachConcurrently(test, options.concurrency ?? 6, async (sentence, i) => {
      if (tm) {
        const withTm = await translator.translateEvery(
          sentence.source,
          [...plainMethods, 'single'],
          { useTm: true },
        );
        withMemory[i] = withTm;
        // Without a match the memory changes nothing (no answer, no hint): the decodes would be
        // the very same, so they are not run twice.
        plain[i] = withTm[0]!.match
          ? await translator.translateEvery(sentence.source, plainMethods, { useTm: false })
          : withTm;
      } else {
        plain[i] = await translator.translateEvery(sentence.source, plainMethods, { useTm: false });
      }
      options.onProgress?.(++done, test.length);
    });

    lap('test');
    const refs = [test.map((s) => s.target)];
    const score = (column: readonly Translation[]) => {
      const hyps = column.map((t) => t.text);
      return {
        chrf: corpusChrf(hyps, refs),
        bleu: corpusBleu(hyps, refs),
        modelRuns: column.reduce((sum, t) => sum + t.modelRuns, 0) / column.length,
      };
    };
    const rows: QualityRow[] = [];
    engines.forEach((engine, k) => {
      const s = score(plain.map((row) => row[k]!));
      rows.push({
        system: `${engine.name} (σ ${engine.noise})`,
        method: `engine:${k}`,
        tm: false,
        chrf: s.chrf.score,
        bleu: s.bleu.score,
        modelRuns: s.modelRuns,
      });
    });
    const column = (translations: Translation[][], method: TranslationMethod) =>
      translations.map((row) => row.find((t) => t.method === method)!);
    const plainSingle = column(plain, 'engine:0');
    for (const method of METHODS) {
      const s = score(method === 'single' ? plainSingle : column(plain, method));
      rows.push({
        system: METHOD_NAMES[method]!,
        method,
        tm: false,
        chrf: s.chrf.score,
        bleu: s.bleu.score,
        modelRuns: s.modelRuns,
      });
    }
    if (tm) {
      for (const method of METHODS) {
        const s = score(column(withMemory, method));
        rows.push({
          system: `${METHOD_NAMES[method]!} + TM`,
          method,
          tm: true,
          chrf: s.chrf.score,
          bleu: s.bleu.score,
          modelRuns: s.modelRuns,
        });
      }
    }
    const matches = { exact: 0, fuzzy: 0, none: 0 };
    for (const row of withMemory) matches[row?.[0]?.match?.kind ?? 'none']++;
    const meanRounds = (translations: Translation[][]) => {
      const refined = column(translations, 'refine').filter((t) => t.origin === 'models');
      return refined.reduce((sum, t) => sum + (t.rounds ?? 0), 0) / Math.max(1, refined.length);
    };
    const signatures = score(plainSingle);
    let cascade: CascadeQualityReport | undefined;
    if (large) {
      // The cheapest engine of the table (all four cost the same; the best on dev is the cheap
      // stage) against the costly one, each at its temperature calibrated on dev.
      const largeTuning = await tuneOnDev(runtime, {
        engines: [large.spec.name],
        tokenizer,
        layout,
        context,
        dev,
      });
      cascade = await measureCascade({
        runtime,
        tokenizer,
        layout,
        context,
        maxLength,
        beamWidth,
        qe,
        engines: [
          { name: engines[0]!.name, temperature: engines[0]!.temperature },
          { name: large.spec.name, temperature: largeTuning.engines[0]!.temperature },
        ],
        dev,
        test,
        concurrency: options.concurrency ?? 6,
        ...(tm ? { tm } : {}),
      });
      lap('cascade');
    }
    if (tm) await tm.close();
    return {
      rows,
      engines,
      qe: {
        ...models.qe.spec,
        threshold,
        temperature: qeTemperature,
        quantile: options.refineQuantile ?? 0.5,
      },
      sharedNoise,
      sizes: { ...sizes, devTokens: tuning.devTokens },
      tmMatches: tm ? matches : { exact: 0, fuzzy: 0, none: test.length },
      refineRounds: { plain: meanRounds(plain), tm: tm ? meanRounds(withMemory) : 0 },
      signatures: { chrf: signatures.chrf.signature, bleu: signatures.bleu.signature },
      pairSeed,
      beamWidth,
      hintWeight,
      seconds: (performance.now() - started) / 1000,
      ...(cascade ? { cascade } : {}),
      ...(options.keepTranslations
        ? {
            translations: test.map((t, i) => ({
              source: t.source,
              reference: t.target,
              plain: plain[i]!,
              tm: withMemory[i] ?? [],
            })),
          }
        : {}),
    };
  } finally {
    await runtime.close();
  }
}
