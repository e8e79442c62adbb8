import type { TensorDescriptor } from '../tensor/index.js';
import type { CallOptions } from './call-options.js';

/**
 * The strategies a fuser runs, by the names plans use. They are named here, below the plans, so
 * that the fusion actor knows nothing of plans; a plan adds 'rerank', which its runner does.
 */
export type FuseStrategy = 'mean' | 'log-linear' | 'log-mean' | 'vote' | 'max-confidence';

/**
 * What the fused tensors hold. Distributions ('logits', 'logprobs', 'probs') are fused along their
 * last axis; 'values' are plain numbers, averaged with the weights (only the 'mean' strategy).
 */
export type FuseInputKind = 'logits' | 'logprobs' | 'probs' | 'values';

/** One fusion: K tensors of one shape, combined along their last axis. */
export interface FuseRequest {
  readonly strategy: FuseStrategy;
  readonly kind: FuseInputKind;
  readonly inputs: readonly TensorDescriptor[];
  readonly weights: readonly number[];
  readonly temperatures: readonly number[];
}

export interface FuseReply {
  /**
   * The fused tensor, in the arena, of the inputs' shape: probabilities for 'mean', 'vote' and
   * 'max-confidence' on distributions; log-probabilities for 'log-linear' and 'log-mean'; values for
   * kind 'values'.
   */
  readonly output: TensorDescriptor;
  /** Per input: fraction of rows whose argmax equals the fused argmax (distributions only). */
  readonly agreement: readonly number[] | undefined;
  /** Per input: mean total-variation distance to the fused distribution, or mean |x − fused| for values. */
  readonly divergence: readonly number[];
  readonly ms: number;
}

/** Whatever fuses: the fusion actor on its worker, or the kernels inline. */
export interface Fuser {
  fuse(request: FuseRequest, options?: CallOptions): Promise<FuseReply>;
}
