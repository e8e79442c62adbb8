import type { Roundtable } from '../../runtime/roundtable.js';
import type { QualityEstimator } from '../qe/quality-estimator.js';
import type { Tokenizer } from '../tokenizer/index.js';
import { learnEngineFusion } from './engine-fusion.js';
import type { PromptLayout } from './prompt.js';

export interface DevTuningOptions {
  /** Model actors already spawned in the runtime. */
  readonly engines: readonly string[];
  readonly qe?: QualityEstimator;
  readonly tokenizer: Tokenizer;
  readonly layout: PromptLayout;
  readonly context: number;
  /** The dev split: parallel sentences never scored. */
  readonly dev: readonly { readonly source: string; readonly target: string }[];
  /** Share of dev references whose QE falls below the refinement threshold; default 0.5. */
  readonly quantile?: number;
}

export interface TunedEngine {
  readonly name: string;
  readonly devAccuracy: number;
  readonly weight: number;
  readonly temperature: number;
}

export interface DevTuning {
  /** Best first (by dev accuracy). */
  readonly engines: readonly TunedEngine[];
  readonly devTokens: number;
  readonly qe?: { readonly temperature: number; readonly threshold: number };
}

/**
 * Everything a translation plan tunes, from a dev split: the engines' order (best first by
 * next-token accuracy), their calibration and log-linear fusion weights, the QE model's
 * calibration, and the QE threshold of refinement (a quantile of the QE of the dev references,
 * which says how good a correct translation usually looks to QE).
 */
export async function tuneOnDev(
  runtime: Roundtable,
  options: DevTuningOptions,
): Promise<DevTuning> {
  const { tokenizer, layout, context, dev } = options;
  const fusion = await learnEngineFusion(runtime, {
    engines: options.engines,
    tokenizer,
    layout,
    context,
    pairs: dev,
  });
  const engines = options.engines
    .map((name, k) => ({
      name,
      devAccuracy: fusion.accuracy[k]!,
      weight: fusion.weights[k]!,
      temperature: fusion.temperatures[k]!,
    }))
    .sort((a, b) => b.devAccuracy - a.devAccuracy);
  if (!options.qe) return { engines, devTokens: fusion.tokens };
  const qe = options.qe;
  const temperature = await qe.calibrate(tokenizer, dev);
  const scores: number[] = [];
  // One batch per sentence, a few at a time: the QE model's mailbox is bounded.
  for (let at = 0; at < dev.length; at += 8) {
    const batch = dev.slice(at, at + 8);
    const means = await Promise.all(
      batch.map(
        async (p) =>
          (await qe.score(tokenizer.encode(p.source), [tokenizer.encode(p.target)]))[0]!.mean,
      ),
    );
    scores.push(...means);
  }
  scores.sort((a, b) => a - b);
  const q = options.quantile ?? 0.5;
  const threshold =
    scores[Math.min(scores.length - 1, Math.max(0, Math.floor(q * scores.length)))] ?? 0;
  return { engines, devTokens: fusion.tokens, qe: { temperature, threshold } };
}
