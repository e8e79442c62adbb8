export { fastExp } from './fast-exp.js';
export { type FusionStrategy, fuse, fusedKinds, fusionStrategies } from './fuse.js';
export {
  createFusionScratch,
  type FusedKind,
  type FusedRows,
  type FusionInput,
  type FusionInputKind,
  type FusionScratch,
  type FusionScratchOptions,
} from './fusion-input.js';
export { fuseLogLinear } from './log-linear.js';
export { fuseLogMean } from './log-mean.js';
export { fuseMajorityVote } from './majority-vote.js';
export { fuseMaxConfidence, type MaxConfidenceRows } from './max-confidence.js';
export { fuseWeightedMean } from './weighted-mean.js';
