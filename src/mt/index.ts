/**
 * roundtable/mt: translation on the runtime. The translator and the service that runs a
 * translation plan, quality estimation, MBR, the translation memory (and its actor), the metrics
 * (sacreBLEU's BLEU and chrF), tokenizers, and the synthetic language pair to try it all on.
 * Nothing here exists for tests (they import internals by path; test/public-surface.test.ts holds
 * the allow-list). The runtime itself is `roundtable` (src/index.ts).
 *
 * The translation layer's error classes live beside their code (src/mt/translate/errors.ts,
 * src/mt/tm/errors.ts), extend RoundtableError and are exported here.
 *
 * One group per area, each under its comment: add a new export to its group.
 */
// biome-ignore-all assist/source/organizeImports: grouped by area, so that additions merge apart.

// Translating: the service (what `roundtable translate` runs), the translator, plans, prompts
export {
  TranslationService,
  type TranslationServiceOptions,
} from './translate/translation-service.js';
export { Translator } from './translate/translator.js';
export {
  type RefineStep,
  TRANSLATION_METHODS,
  type TranslateOptions,
  type Translation,
  type TranslationMethod,
  type TranslatorOptions,
} from './translate/translator-types.js';
export {
  type EngineSpec,
  type LoadedTranslationPlan,
  loadTranslationPlan,
  type RoutesFile,
  type TokenizerSpec,
  type TranslationPlan,
} from './translate/translation-plan.js';
export {
  buildPrompt,
  type PromptLayout,
  type PromptParts,
  promptLayout,
  splitWindow,
  windowsFor,
} from './translate/prompt.js';
export {
  type EngineFusion,
  type EngineFusionOptions,
  learnEngineFusion,
} from './translate/engine-fusion.js';
export {
  type DevTuning,
  type DevTuningOptions,
  type TunedEngine,
  tuneOnDev,
} from './translate/tune-on-dev.js';
export { TranslationError } from './translate/errors.js';

// Tokenizers
export {
  joinWords,
  type SpecialIds,
  splitWords,
  type Tokenizer,
  WordTokenizer,
  type WordVocabulary,
} from './tokenizer/index.js';

// Quality estimation
export {
  type QeScore,
  QualityEstimator,
  type QualityEstimatorOptions,
} from './qe/quality-estimator.js';

// Minimum Bayes risk, on the caller or on a piscina pool
export {
  chrfUtility,
  type MbrOptions,
  type MbrSelection,
  mbrSelect,
  type Utility,
} from './mbr/mbr.js';
export { MbrPool, type MbrPoolOptions } from './mbr/mbr-pool.js';

// The hint actor: a fuzzy match's target as one more model of a decode
export type { HintActorOptions } from './hint/hint-actor.js';
export { DEFAULT_HINT_BONUS, type HintBonus, hintLogits } from './hint/hint-scores.js';
export { spawnHintActor } from './hint/spawn-hint-actor.js';

// The translation memory (src/mt/tm/index.ts), its errors, and the actor that runs it on a worker
export * from './tm/index.js';
export type { TmActorOptions } from './tm-actor/tm-actor.js';
export { TmActor } from './tm-actor/tm-actor-client.js';
export type { TmHit, TmOffer } from './tm-actor/tm-hit.js';

// Metrics with sacreBLEU's conventions and numbers (src/mt/metrics/index.ts)
export * from './metrics/index.js';

// The synthetic language pair: models, vocabulary, a tuned plan, TMX and test files to try it on
export {
  type ParallelSentence,
  SyntheticPair,
  type SyntheticPairOptions,
} from './synthetic/synthetic-pair.js';
export {
  type WriteSyntheticPairOptions,
  type WrittenSyntheticPair,
  writeSyntheticPair,
} from './synthetic/write-synthetic-pair.js';
