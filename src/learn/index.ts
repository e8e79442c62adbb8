export { seededRandom } from '../util/mulberry32.js';
export { AdamW, type AdamWOptions } from './adamw.js';
export {
  applyCascadeThresholds,
  type CascadeThresholds,
  type CascadeThresholdsScorer,
  describeCascadeScorer,
  loadCascadeThresholds,
  sameCascadeScorer,
  saveCascadeThresholds,
} from './cascade-thresholds-file.js';
export {
  createObjectiveScratch,
  fusedObjective,
  type LearnableStrategy,
  type ObjectiveScratch,
  type ObjectiveValue,
} from './fusion-objective.js';
export { decodeParameters, parameterObjective } from './fusion-parameters.js';
export {
  type FusionWeights,
  loadFusionWeights,
  saveFusionWeights,
} from './fusion-weights-file.js';
export {
  type LabelledSet,
  labelledSetFrom,
  parseLabelledSet,
  readLabelledSet,
} from './labelled-set.js';
export {
  type CascadeExample,
  type CascadeSetting,
  cascadeCurve,
  ESCALATE_ALL,
  learnCascadeThresholds,
  replayCascade,
  STOP_ALL,
} from './learn-cascade.js';
export {
  evaluateFusion,
  type LearnedFusion,
  type LearnFusionOptions,
  type LearnMetrics,
  learnFusionWeights,
  splitExamples,
} from './learn-fusion.js';
