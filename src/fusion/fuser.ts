import type { CallOptions } from '../actor/call-options.js';
import type { FusionInputKind, FusionStrategy } from '../plans/plan.js';
import type { TensorDescriptor } from '../tensor/index.js';

/** One fusion: K tensors of one shape, combined along their last axis. */
export interface FuseRequest {
  readonly strategy: Exclude<FusionStrategy, 'rerank'>;
  readonly kind: FusionInputKind;
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
