export type { BigramModelOptions } from './bigram-model.js';
export { bigramModel, bigramTable } from './bigram-model.js';
export type { ClassifierOptions, ClassifierParams } from './classifier.js';
export { classifier, classifierParams, classifierWeights } from './classifier.js';
export type {
  DecoderFolderOptions,
  DraftTargetOptions,
  DraftTargetPair,
  EncoderDecoderFolderOptions,
} from './decoders/index.js';
export {
  SPECIAL_TOKENS,
  targetDisagrees,
  writeDecoderFolder,
  writeDraftTargetPair,
  writeEncoderDecoderFolder,
} from './decoders/index.js';
export type {
  GenerateDemoModelsOptions,
  GeneratedModels,
  ModelManifest,
  ModelManifestEntry,
} from './demo-models.js';
export {
  DEFAULT_MODEL_CACHE,
  DEMO_MODELS_PER_KIND,
  generateDemoModels,
  readModelManifest,
} from './demo-models.js';
export type { DenseLayer } from './dense-layer.js';
export type { BuiltModel, ModelDescription, ModelKind, TensorSpec } from './model-description.js';
export type { NextTokenModelOptions, NextTokenModelParams } from './next-token-model.js';
export { nextTokenModel, nextTokenModelParams, PAD_TOKEN } from './next-token-model.js';
export type { ProposerOptions } from './proposer.js';
export { proposer } from './proposer.js';
export type { RefinerOptions, RefinerParams, RefinerWeights } from './refiner.js';
export { refiner, refinerParams, refinerWeights } from './refiner.js';
export type { ModelSize, ModelSizeName, SizedModelOptions } from './sized-model.js';
export { MODEL_SIZES, sizedModel } from './sized-model.js';
