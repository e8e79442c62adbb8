export interface AdamWOptions {
  readonly learningRate: number;
  readonly betas: readonly [number, number];
  readonly weightDecay: number;
  readonly eps: number;
}

/**
 * AdamW (Loshchilov & Hutter, "Decoupled weight decay regularization"), as torch.optim.AdamW:
 * the decay shrinks the parameters directly (p ← p − lr·λ·p) instead of being added to the
 * gradient, so it is not rescaled by Adam's per-parameter step size. Bias-corrected moments.
 */
export class AdamW {
  readonly #options: AdamWOptions;
  readonly #firstMoment: Float64Array;
  readonly #secondMoment: Float64Array;
  #steps = 0;

  constructor(size: number, options: AdamWOptions) {
    const { learningRate, betas, weightDecay, eps } = options;
    if (!(learningRate > 0 && Number.isFinite(learningRate))) {
      throw new RangeError(`AdamW: learning rate must be finite and > 0, got ${learningRate}`);
    }
    for (const beta of betas) {
      if (!(beta >= 0 && beta < 1))
        throw new RangeError(`AdamW: betas must be in [0, 1), got ${betas}`);
    }
    if (!(weightDecay >= 0 && Number.isFinite(weightDecay))) {
      throw new RangeError(`AdamW: weight decay must be finite and ≥ 0, got ${weightDecay}`);
    }
    if (!(eps > 0)) throw new RangeError(`AdamW: eps must be > 0, got ${eps}`);
    this.#options = options;
    this.#firstMoment = new Float64Array(size);
    this.#secondMoment = new Float64Array(size);
  }

  get steps(): number {
    return this.#steps;
  }

  /** One update of `parameters` in place from `gradient`. */
  step(parameters: Float64Array, gradient: Float64Array): void {
    const { learningRate, betas, weightDecay, eps } = this.#options;
    const [beta1, beta2] = betas;
    this.#steps++;
    const correction1 = 1 - beta1 ** this.#steps;
    const correction2 = 1 - beta2 ** this.#steps;
    const m = this.#firstMoment;
    const v = this.#secondMoment;
    for (let i = 0; i < parameters.length; i++) {
      const g = gradient[i]!;
      m[i] = beta1 * m[i]! + (1 - beta1) * g;
      v[i] = beta2 * v[i]! + (1 - beta2) * g * g;
      const decayed = parameters[i]! * (1 - learningRate * weightDecay);
      parameters[i] =
        decayed - (learningRate * (m[i]! / correction1)) / (Math.sqrt(v[i]! / correction2) + eps);
    }
  }
}
