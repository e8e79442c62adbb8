import type { SyntheticPair } from './synthetic-pair.js';
import { type BuiltTranslationModel, translationModel } from './translation-model.js';
import { translationTables } from './translation-tables.js';

/** One generated model: its name, the seed of its noise, and the noise's strength. */
export interface ModelSpec {
  readonly name: string;
  readonly seed: number;
  /** σ of the model's own noise; the higher, the worse the model. */
  readonly noise: number;
  /** Extra compute standing for a larger network (translation-model.ts); default none. */
  readonly capacity?: { readonly width: number; readonly layers: number };
}

/**
 * The four engines of the synthetic pair, of known quality: the same ground truth with
 * independent noise of σ 0.12, 0.16, 0.20 and 0.24 on top of a noise of σ 0.20 they all share,
 * against a margin of 1 for the true token.
 */
export const SYNTHETIC_ENGINES: readonly ModelSpec[] = [
  { name: 'engine-a', seed: 11, noise: 0.12 },
  { name: 'engine-b', seed: 12, noise: 0.16 },
  { name: 'engine-c', seed: 13, noise: 0.2 },
  { name: 'engine-d', seed: 14, noise: 0.24 },
];

/**
 * The cascade's costly engine: better than every engine above (own noise σ 0.06) and several
 * times costlier per run, its dense stack of 4 × 1024 standing for a larger network; it is not one
 * of the four engines of the table, only of the cascade (docs/cascades.md).
 */
export const SYNTHETIC_LARGE_ENGINE: ModelSpec = {
  name: 'engine-large',
  seed: 15,
  noise: 0.06,
  capacity: { width: 1024, layers: 4 },
};

/**
 * The QE model: one more noisy copy of the truth with noise of its own as strong as the best
 * engine's, sharing the common noise; it never translates, it only rates (docs/translation.md
 * shows what a weaker one does to reranking).
 */
export const SYNTHETIC_QE: ModelSpec = { name: 'qe', seed: 21, noise: 0.12 };

/** The noise every model of the pair shares: the mistakes no collaboration can see. */
export const SYNTHETIC_SHARED_NOISE = 0.2;

export interface SyntheticModels {
  readonly engines: readonly { readonly spec: ModelSpec; readonly model: BuiltTranslationModel }[];
  readonly qe: { readonly spec: ModelSpec; readonly model: BuiltTranslationModel };
}

export function buildSyntheticModels(
  pair: SyntheticPair,
  options: {
    readonly engines?: readonly ModelSpec[];
    readonly qe?: ModelSpec;
    readonly sharedNoise?: number;
    readonly context?: number;
  } = {},
): SyntheticModels {
  const tables = translationTables(pair);
  const sharedNoise = options.sharedNoise ?? SYNTHETIC_SHARED_NOISE;
  const build = (spec: ModelSpec) => ({
    spec,
    model: translationModel({
      pair,
      tables,
      seed: spec.seed,
      noise: spec.noise,
      sharedNoise,
      ...(spec.capacity ? { capacity: spec.capacity } : {}),
      ...(options.context !== undefined ? { context: options.context } : {}),
    }),
  });
  return {
    engines: (options.engines ?? SYNTHETIC_ENGINES).map(build),
    qe: build(options.qe ?? SYNTHETIC_QE),
  };
}
