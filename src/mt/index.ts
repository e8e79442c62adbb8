/**
 * Translation on the runtime: tokenizers, the synthetic language pair and its models, quality
 * estimation, MBR, the translation-memory actor, and the translator that combines them. The
 * metrics and the translation memory itself have their own indexes (./metrics, ./tm).
 */
export { actorModule } from './actor-module.js';
export type { HintActorOptions } from './hint/hint-actor.js';
export { DEFAULT_HINT_BONUS, type HintBonus, hintLogits } from './hint/hint-scores.js';
export { spawnHintActor } from './hint/spawn-hint-actor.js';
export {
  chrfUtility,
  type MbrOptions,
  type MbrSelection,
  mbrSelect,
  type Utility,
} from './mbr/mbr.js';
export {
  type QeScore,
  QualityEstimator,
  type QualityEstimatorOptions,
} from './qe/quality-estimator.js';
export {
  type QualityOptions,
  type QualityReport,
  type QualityRow,
  type QualitySentence,
  runQuality,
} from './quality/quality-run.js';
export { formatQualityReport } from './quality/quality-table.js';
export type { Clause, NounPhrase, SentenceTree } from './synthetic/grammar.js';
export { GRAMMAR_PROBABILITIES, MAX_SENTENCE_WORDS } from './synthetic/grammar.js';
export type { Lexicon, LexiconSizes } from './synthetic/lexicon.js';
export {
  buildSyntheticModels,
  type ModelSpec,
  SYNTHETIC_ENGINES,
  SYNTHETIC_QE,
  SYNTHETIC_SHARED_NOISE,
  type SyntheticModels,
} from './synthetic/synthetic-engines.js';
export {
  type ParallelSentence,
  SYNTHETIC_SPECIALS,
  SyntheticPair,
  type SyntheticPairOptions,
} from './synthetic/synthetic-pair.js';
export { sourceWords, targetWords } from './synthetic/transduction.js';
export {
  type BuiltTranslationModel,
  DEFAULT_CONTEXT,
  type TranslationModelDescription,
  type TranslationModelOptions,
  translationModel,
} from './synthetic/translation-model.js';
export { type TranslationTables, translationTables } from './synthetic/translation-tables.js';
export {
  SYNTHETIC_MAX_LENGTH,
  type WriteSyntheticPairOptions,
  type WrittenSyntheticPair,
  writeSyntheticPair,
} from './synthetic/write-synthetic-pair.js';
export type { TmActorOptions } from './tm-actor/tm-actor.js';
export { TmActor } from './tm-actor/tm-actor-client.js';
export type { TmHit, TmOffer } from './tm-actor/tm-hit.js';
export {
  joinWords,
  type SpecialIds,
  splitWords,
  type Tokenizer,
  WordTokenizer,
  type WordVocabulary,
} from './tokenizer/index.js';
export {
  type EngineFusion,
  type EngineFusionOptions,
  learnEngineFusion,
} from './translate/engine-fusion.js';
export { TranslationError } from './translate/errors.js';
export {
  buildPrompt,
  type PromptLayout,
  type PromptParts,
  promptLayout,
  splitWindow,
  windowsFor,
} from './translate/prompt.js';
export {
  type EngineSpec,
  type LoadedTranslationPlan,
  loadTranslationPlan,
  type RoutesFile,
  type TokenizerSpec,
  type TranslationPlan,
} from './translate/translation-plan.js';
export {
  TranslationService,
  type TranslationServiceOptions,
} from './translate/translation-service.js';
export {
  type RefineStep,
  TRANSLATION_METHODS,
  type TranslateOptions,
  type Translation,
  type TranslationMethod,
  Translator,
  type TranslatorOptions,
} from './translate/translator.js';
export {
  type DevTuning,
  type DevTuningOptions,
  type TunedEngine,
  tuneOnDev,
} from './translate/tune-on-dev.js';
