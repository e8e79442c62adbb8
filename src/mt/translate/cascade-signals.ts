import type { DecodeResult } from '../../plan-runner/run-decode.js';

/**
 * What a translation cascade can decide on, per segment, about a stage's translation:
 * - `qe`: the QE model's mean log-probability per token (one QE batch more per scored segment);
 * - `qe-min-token`: the QE model's log-probability of the token it doubts most (the same batch);
 * - `sequence-logprob`: the engine's own summed log-probability of its translation;
 * - `mean-logprob`: the same per token (the end token counts);
 * - `min-token-logprob`: its least sure token's log-probability;
 * - `nbest-posterior`: the log of the best hypothesis' share of its beam's n-best list (0 when the
 *   list agrees on nothing else, very negative when a close second exists);
 * - `tm-match`: the translation memory's fuzzy score of the segment / 100 (0 without a match).
 * All but `qe` come with the decode itself and cost nothing more.
 */
export const CASCADE_SIGNALS = [
  'qe',
  'qe-min-token',
  'sequence-logprob',
  'mean-logprob',
  'min-token-logprob',
  'nbest-posterior',
  'tm-match',
] as const;

export type CascadeSignal = (typeof CASCADE_SIGNALS)[number];

/**
 * How a cascade scores a stage's translation: one signal, or a linear combination of signals
 * (`roundtable learn`'s logistic fit: the score is the log-odds that escalating would not help).
 * A segment stops when its score reaches the stage's threshold.
 */
export type CascadeScorer =
  | CascadeSignal
  | {
      readonly linear: Readonly<Partial<Record<CascadeSignal, number>>>;
      readonly bias?: number;
    };

export type CascadeSignalValues = Readonly<Record<CascadeSignal, number>>;

/** The signals the QE batch gives. */
export const QE_SIGNALS: readonly CascadeSignal[] = ['qe', 'qe-min-token'];

/** The QE batch's signals of one translation: its mean and its least likely token. */
export function qeSignals(score: {
  readonly mean: number;
  readonly tokens: readonly number[];
}): Pick<CascadeSignalValues, 'qe' | 'qe-min-token'> {
  return {
    qe: score.mean,
    'qe-min-token': score.tokens.length > 0 ? Math.min(...score.tokens) : score.mean,
  };
}

/** Whether the scorer needs the QE model (and pays for its batch). */
export function scorerNeedsQe(scorer: CascadeScorer): boolean {
  return typeof scorer === 'string'
    ? QE_SIGNALS.includes(scorer)
    : QE_SIGNALS.some((s) => (scorer.linear[s] ?? 0) !== 0);
}

/** The signals that come with a decode, without running anything more. */
export function decodeSignals(
  result: DecodeResult,
): Omit<CascadeSignalValues, 'qe' | 'qe-min-token' | 'tm-match'> {
  const length = Math.max(1, result.tokenLogprobs.length);
  const top = Math.max(...result.hypotheses.map((h) => h.logprob), result.logprob);
  const mass = result.hypotheses.reduce((sum, h) => sum + Math.exp(h.logprob - top), 0);
  return {
    'sequence-logprob': result.logprob,
    'mean-logprob': result.logprob / length,
    'min-token-logprob': result.tokenLogprobs.length > 0 ? Math.min(...result.tokenLogprobs) : 0,
    'nbest-posterior': mass > 0 ? result.logprob - top - Math.log(mass) : 0,
  };
}

/** The scorer's score from the signals (NaN when a signal it needs is NaN: the segment escalates). */
export function cascadeScore(scorer: CascadeScorer, signals: CascadeSignalValues): number {
  if (typeof scorer === 'string') return signals[scorer];
  let score = scorer.bias ?? 0;
  for (const [signal, weight] of Object.entries(scorer.linear) as [CascadeSignal, number][])
    if (weight !== 0) score += weight * signals[signal];
  return score;
}

/** A short name of the scorer for tables and traces. */
export function scorerName(scorer: CascadeScorer): string {
  if (typeof scorer === 'string') return scorer;
  return `linear(${Object.keys(scorer.linear).join(', ')})`;
}
