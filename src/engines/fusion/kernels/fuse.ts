import type { FusedKind, FusedRows, FusionInput, FusionScratch } from './fusion-input.js';
import { fuseLogLinear } from './log-linear.js';
import { fuseLogMean } from './log-mean.js';
import { fuseMajorityVote } from './majority-vote.js';
import { fuseMaxConfidence, type MaxConfidenceRows } from './max-confidence.js';
import { fuseWeightedMean } from './weighted-mean.js';

/** The strategies a fusion can be asked for by name (plan files, learned weights). */
export type FusionStrategy =
  | 'weighted-mean'
  | 'log-linear'
  | 'log-mean'
  | 'majority-vote'
  | 'max-confidence';

export const fusionStrategies: readonly FusionStrategy[] = [
  'weighted-mean',
  'log-linear',
  'log-mean',
  'majority-vote',
  'max-confidence',
];

/** What the fused distribution of each strategy holds. */
export const fusedKinds: Readonly<Record<FusionStrategy, FusedKind>> = {
  'weighted-mean': 'probs',
  'log-linear': 'logprobs',
  'log-mean': 'logprobs',
  'majority-vote': 'probs',
  'max-confidence': 'probs',
};

/** Runs the named strategy; see each kernel for what it writes. */
export function fuse(
  strategy: FusionStrategy,
  input: FusionInput,
  out: FusedRows | MaxConfidenceRows,
  scratch: FusionScratch,
): void {
  switch (strategy) {
    case 'weighted-mean':
      fuseWeightedMean(input, out, scratch);
      return;
    case 'log-linear':
      fuseLogLinear(input, out, scratch);
      return;
    case 'log-mean':
      fuseLogMean(input, out, scratch);
      return;
    case 'majority-vote':
      fuseMajorityVote(input, out, scratch);
      return;
    case 'max-confidence':
      fuseMaxConfidence(input, out, scratch);
      return;
    default:
      throw new TypeError(
        `fusion strategy must be one of ${fusionStrategies.join(', ')}, got ${String(strategy)}`,
      );
  }
}
