import type { CallOptions } from '../../actor/call-options.js';
import type { FuseReply, FuseRequest, Fuser } from '../../actor/fuser.js';
import { AbortError, FusionError, RoundtableError } from '../../errors.js';
import type { Arena } from '../../tensor/index.js';
import { TensorFusion } from './fuse-tensors.js';

/**
 * Largest fusion (K × elements of one input) done on the caller's thread. Measured on the 2-core
 * bench machine with the SIMD kernels (log-linear, agreement included): K = 3 × [1, 4000] takes
 * about 70 µs inline, 3 × [4, 4000] about 175 µs, 3 × [8, 4000] about 360 µs (≈ 270 elements per
 * µs), while a fusion-actor ask costs a postMessage round trip plus two event-loop wakeups on top
 * of the same arithmetic. 65 536 elements bounds the caller's stall near 250 µs, a quarter of the
 * 1 ms event-loop budget; anything larger still goes to the fusion actor. See
 * docs/architecture.md, "Performance: the fast paths" ("Fusing small tensors inline").
 */
export const INLINE_FUSION_MAX_ELEMENTS = 65_536;

/**
 * Fuses small requests on the calling thread with the same kernels the fusion actor runs (same
 * results, bit for bit), and hands large ones to the fusion actor so the caller's event loop never
 * stalls on a big fusion. The runtime fuses the rounds of plans and the steps of decoding through
 * it: decoding fuses K × [beams, vocabulary] every token, an ensemble of classifiers K × [batch,
 * classes] every run, and a thread hop there costs more than the arithmetic (for K = 1 × 1024
 * floats, 4.69 against 4.11 ms p50 for a hand-written worker before, most of it the hop).
 */
export class InlineFuser implements Fuser {
  readonly #actor: Fuser;
  readonly #fusion: TensorFusion;
  readonly #maxElements: number;
  readonly #label: string;

  /**
   * @param label how errors name the fusion: the runtime passes its fusion actor's name, so that
   *   an error reads the same whichever thread fused.
   */
  constructor(
    arena: Arena,
    actor: Fuser,
    maxElements = INLINE_FUSION_MAX_ELEMENTS,
    label = 'inline fusion',
  ) {
    if (!(maxElements >= 0)) {
      throw new RangeError(`inline fusion: maxElements must be ≥ 0, got ${maxElements}`);
    }
    this.#actor = actor;
    this.#fusion = new TensorFusion(arena);
    this.#maxElements = maxElements;
    this.#label = label;
  }

  /** True when `request` is fused on the calling thread. */
  inline(request: FuseRequest): boolean {
    const first = request.inputs[0];
    if (!first) return false;
    let elements = request.inputs.length;
    for (const dim of first.dims) elements *= dim;
    return elements <= this.#maxElements;
  }

  fuse(request: FuseRequest, options: CallOptions = {}): Promise<FuseReply> {
    if (!this.inline(request)) return this.#actor.fuse(request, options);
    if (options.signal?.aborted) {
      return Promise.reject(
        new AbortError(`${this.#label}: the fusion was aborted before it started`, {
          cause: options.signal.reason,
        }),
      );
    }
    try {
      return Promise.resolve(this.#fusion.fuse(request, this.#label));
    } catch (error) {
      return Promise.reject(
        error instanceof RoundtableError
          ? error
          : new FusionError(
              `${this.#label}: the fusion failed: ${(error as Error)?.message ?? String(error)}`,
              {
                cause: error,
              },
            ),
      );
    }
  }
}
