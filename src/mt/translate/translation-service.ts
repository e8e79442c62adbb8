import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import * as args from '../../actor/arguments.js';
import { PlanError } from '../../errors.js';
import {
  type CascadeThresholds,
  type CascadeThresholdsScorer,
  describeCascadeScorer,
  loadCascadeThresholds,
  sameCascadeScorer,
} from '../../learn/cascade-thresholds-file.js';
import { Roundtable } from '../../runtime/roundtable.js';
import { spawnHintActor } from '../hint/spawn-hint-actor.js';
import { MbrPool } from '../mbr/mbr-pool.js';
import * as check from '../mt-arguments.js';
import { QualityEstimator } from '../qe/quality-estimator.js';
import { TmActor } from '../tm-actor/tm-actor-client.js';
import { type Tokenizer, WordTokenizer, type WordVocabulary } from '../tokenizer/index.js';
import { CASCADE_SIGNALS, type CascadeScorer, scorerNeedsQe } from './cascade-signals.js';
import { promptLayout } from './prompt.js';
import {
  type CascadeSpec,
  type LoadedTranslationPlan,
  loadTranslationPlan,
  type TokenizerSpec,
} from './translation-plan.js';
import {
  TRANSLATION_METHODS,
  type Translation,
  type TranslationMethod,
  Translator,
  type TranslatorOptions,
} from './translator.js';

export interface TranslationServiceOptions {
  /** A translation plan or a routes file. */
  readonly plan: string;
  readonly from: string;
  readonly to: string;
  /** A translation memory (SQLite file, created when missing). */
  readonly tm?: string;
  /** Overrides the plan's method. */
  readonly method?: TranslationMethod;
  /**
   * A file `roundtable learn --cascade` wrote: its thresholds replace the plan's cascade
   * thresholds (its models must be the cascade's engines, in order).
   */
  readonly thresholds?: string;
}

/**
 * A language pair ready to translate: the plan's engines, hint actor, QE model and memory
 * started as actors in one runtime. What `roundtable translate` runs; a service can embed it.
 */
export class TranslationService {
  readonly plan: LoadedTranslationPlan;
  readonly method: TranslationMethod;
  readonly tokenizer: Tokenizer;
  readonly #runtime: Roundtable;
  readonly #translator: Translator;
  readonly #tm: TmActor | undefined;
  readonly #mbrPool: MbrPool | undefined;
  readonly #storeAtLeast: number | undefined;

  private constructor(
    plan: LoadedTranslationPlan,
    method: TranslationMethod,
    tokenizer: Tokenizer,
    runtime: Roundtable,
    translator: Translator,
    tm: TmActor | undefined,
    mbrPool: MbrPool | undefined,
  ) {
    this.plan = plan;
    this.method = method;
    this.tokenizer = tokenizer;
    this.#runtime = runtime;
    this.#translator = translator;
    this.#tm = tm;
    this.#mbrPool = mbrPool;
    const p = plan.plan;
    this.#storeAtLeast = p.tm?.storeAtLeast ?? p.qe?.threshold;
  }

  static async open(options: TranslationServiceOptions): Promise<TranslationService> {
    options = check.serviceOptions('TranslationService.open', options, TRANSLATION_METHODS);
    const loaded = await loadTranslationPlan(options.plan, options.from, options.to);
    const { plan } = loaded;
    const method = options.method ?? plan.method;
    if ((method === 'rerank' || method.startsWith('refine')) && !plan.qe)
      throw new PlanError(`translation plan ${loaded.file}: method "${method}" needs a "qe" model`);
    if (method === 'cascade' && !plan.cascade)
      throw new PlanError(
        `translation plan ${loaded.file}: method "cascade" needs a "cascade" entry`,
      );
    const cascade = plan.cascade
      ? await cascadeOf(
          plan.cascade,
          plan.engines.map((e) => e.name),
          loaded,
          options.thresholds,
        )
      : undefined;
    const tokenizer = await loadTokenizer(plan.tokenizer, loaded.resolve);
    const layout = promptLayout(tokenizer, plan.prompt ?? {});
    const runtime = await Roundtable.create();
    // The mbr method's selection runs on a pool thread, off the event loop of the caller.
    const mbrPool = method === 'mbr' ? MbrPool.create() : undefined;
    try {
      const hintWeight = plan.tm?.hintWeight ?? 0.1;
      const [qe, tm] = await Promise.all([
        plan.qe
          ? QualityEstimator.create(runtime, {
              model: loaded.resolve(plan.qe.model),
              layout,
              context: plan.context,
              ...(plan.qe.temperature !== undefined ? { temperature: plan.qe.temperature } : {}),
            })
          : undefined,
        options.tm !== undefined
          ? TmActor.spawn(runtime, 'tm', {
              path: options.tm,
              from: plan.from,
              to: plan.to,
              ...(plan.tm?.min !== undefined ? { min: plan.tm.min } : {}),
            })
          : undefined,
        options.tm !== undefined && hintWeight > 0
          ? spawnHintActor(runtime, 'hint', { layout, vocab: tokenizer.vocabSize })
          : undefined,
        ...plan.engines.map((engine) =>
          runtime.spawnModel(engine.name, { model: loaded.resolve(engine.model) }),
        ),
      ]);
      const translator = new Translator({
        runtime,
        tokenizer,
        layout,
        context: plan.context,
        maxLength: plan.maxLength,
        engines: plan.engines.map((e) => e.name),
        fusion: {
          weights: plan.engines.map((e) => e.weight ?? 1),
          temperatures: plan.engines.map((e) => e.temperature ?? 1),
        },
        beamWidth: plan.beamWidth ?? 4,
        ...(plan.lengthPenalty !== undefined ? { lengthPenalty: plan.lengthPenalty } : {}),
        ...(tm && hintWeight > 0 ? { hint: { actor: 'hint', weight: hintWeight } } : {}),
        ...(qe ? { qe } : {}),
        ...(plan.qe?.threshold !== undefined ? { refine: { threshold: plan.qe.threshold } } : {}),
        ...(tm ? { tm } : {}),
        ...(mbrPool ? { mbrPool } : {}),
        ...(cascade ? { cascade } : {}),
      });
      return new TranslationService(loaded, method, tokenizer, runtime, translator, tm, mbrPool);
    } catch (error) {
      await mbrPool?.close();
      await runtime.close();
      throw error;
    }
  }

  /**
   * Translates one segment. With `store`, a translation the models made goes into the memory
   * when QE rates it at least the plan's `tm.storeAtLeast` (default: its QE threshold).
   */
  translate(text: string, options: { readonly store?: boolean } = {}): Promise<Translation> {
    const where = 'TranslationService.translate';
    let asked: boolean | undefined;
    try {
      args.text(where, 'text', text);
      const o = args.optionsCopy(where, 'options', options, ['store']);
      asked = args.optionalBoolean(where, 'options.store', o.store);
    } catch (error) {
      return Promise.reject(error);
    }
    const store = asked === true && this.#tm !== undefined && this.#storeAtLeast !== undefined;
    return this.#translator.translate(
      text,
      this.method,
      store ? { storeAtLeast: this.#storeAtLeast } : {},
    );
  }

  async close(): Promise<void> {
    try {
      await Promise.all([this.#tm?.close(), this.#mbrPool?.close()]);
    } finally {
      await this.#runtime.close();
    }
  }
}

/**
 * The plan's cascade as the translator takes it: engine indices, and the thresholds given in the
 * plan or read from a thresholds file (`thresholds` overrides the plan's), which must have been
 * learnt for these engines in this order, and for the plan's scorer when the file records one
 * (version 2). A plan that names no scorer takes the file's (a fitted combination travels in
 * the file); without either, the scorer is `qe`.
 */
async function cascadeOf(
  spec: CascadeSpec,
  engines: readonly string[],
  loaded: LoadedTranslationPlan,
  override: string | undefined,
): Promise<NonNullable<TranslatorOptions['cascade']>> {
  const fromFile =
    override ?? (spec.thresholdsFile ? loaded.resolve(spec.thresholdsFile) : undefined);
  let thresholds = spec.thresholds;
  let scorer = spec.scorer;
  if (fromFile !== undefined) {
    let fit: CascadeThresholds;
    try {
      fit = await loadCascadeThresholds(fromFile);
    } catch (error) {
      throw new PlanError(
        `translation plan ${loaded.file}: cascade thresholds: ${(error as Error).message}`,
      );
    }
    if (
      fit.models.length !== spec.engines.length ||
      fit.models.some((m, i) => m !== spec.engines[i])
    )
      throw new PlanError(
        `translation plan ${loaded.file}: the cascade's engines are ${spec.engines.join(', ')}; the thresholds in ${fromFile} were learnt for ${fit.models.join(', ')}`,
      );
    thresholds = fit.thresholds;
    if (fit.scorer !== undefined) {
      if (spec.scorer !== undefined && !sameCascadeScorer(spec.scorer, fit.scorer))
        throw new PlanError(
          `translation plan ${loaded.file}: the cascade's scorer is ${describeCascadeScorer(spec.scorer)}; the thresholds in ${fromFile} were learnt for the scorer ${describeCascadeScorer(fit.scorer)}`,
        );
      scorer = translationScorer(fit.scorer, `${loaded.file}: the thresholds in ${fromFile}`);
    }
  }
  if (scorerNeedsQe(scorer ?? 'qe') && !loaded.plan.qe)
    throw new PlanError(
      `translation plan ${loaded.file}: the cascade's scorer ${describeCascadeScorer(scorer ?? 'qe')}${scorer === spec.scorer ? '' : ` (from ${fromFile})`} reads QE, and the plan has no "qe" model`,
    );
  return {
    engines: spec.engines.map((name) => engines.indexOf(name)),
    thresholds: thresholds!,
    ...(scorer !== undefined ? { scorer } : {}),
  };
}

/** A file's scorer as a translation cascade's: signals of cascade-signals.ts, not a plan's scorer. */
function translationScorer(scorer: CascadeThresholdsScorer, where: string): CascadeScorer {
  const known = (name: string) => (CASCADE_SIGNALS as readonly string[]).includes(name);
  if (
    typeof scorer === 'string'
      ? known(scorer)
      : 'linear' in scorer && Object.keys(scorer.linear).every(known)
  )
    return scorer as CascadeScorer;
  throw new PlanError(
    `translation plan ${where} were learnt for the scorer ${describeCascadeScorer(scorer)}, which is not a translation cascade's; expected one of ${CASCADE_SIGNALS.join(', ')} or a linear combination of them`,
  );
}

async function loadTokenizer(
  spec: TokenizerSpec,
  resolvePath: (path: string) => string,
): Promise<Tokenizer> {
  if (spec.type === 'word') {
    const file = resolvePath(spec.vocabulary);
    let vocabulary: WordVocabulary;
    try {
      vocabulary = JSON.parse(await readFile(file, 'utf8')) as WordVocabulary;
    } catch (error) {
      throw new PlanError(`cannot read the word vocabulary ${file}: ${(error as Error).message}`);
    }
    return WordTokenizer.fromVocabulary(vocabulary);
  }
  const file = resolvePath(spec.module);
  const module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  const exportName = spec.export ?? 'createTokenizer';
  const factory = module[exportName];
  if (typeof factory !== 'function')
    throw new PlanError(`tokenizer module ${file} has no function export "${exportName}"`);
  const tokenizer = (await factory(spec.options)) as Tokenizer;
  for (const member of ['encode', 'decode', 'idOf'] as const) {
    if (typeof tokenizer?.[member] !== 'function')
      throw new PlanError(
        `tokenizer from ${file} has no ${member}() method; see the Tokenizer interface`,
      );
  }
  if (!Number.isSafeInteger(tokenizer.vocabSize) || typeof tokenizer.special !== 'object')
    throw new PlanError(
      `tokenizer from ${file} must have vocabSize and special { pad, bos, eos, unk }`,
    );
  return tokenizer;
}
