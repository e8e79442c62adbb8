import type { DecodeResult } from '../../plan-runner/run-decode.js';

/**
 * What a translation cascade can decide on, per segment, about a stage's translation:
 * - `qe`: the QE model's mean log-probability per token (one QE batch more per scored segment);
 * - `qe-min-token`: the QE model's log-probability of the token it doubts most (the same batch);
 * - `qe-margin`: QE's mean of the translation minus QE's mean of the runner-up, the engine's second
 *   distinct hypothesis of its n-best list (both in one QE batch of two candidates, costlier than
 *   `qe`'s batch of one): negative when QE prefers what the engine ranked second, which points
 *   at the engine's own mistakes rather than at the doubt every model shares; 0 without a runner-up;
 * - `qe-token-gap`: the least, over the translation's tokens, of QE's log-probability of the token
 *   minus the engine's own (`qe`'s batch): very negative where the engine was sure of a token QE
 *   doubts — the engine's own noise, which the next engine fixes — and near 0 where both doubt
 *   alike (the noise every model shares, which the next engine repeats);
 * - `sequence-logprob`: the engine's own summed log-probability of its translation;
 * - `mean-logprob`: the same per token (the end token counts);
 * - `min-token-logprob`: its least sure token's log-probability;
 * - `nbest-posterior`: the log of the best hypothesis' share of its beam's n-best list (0 when the
 *   list agrees on nothing else, very negative when a close second exists);
 * - `tm-match`: the translation memory's fuzzy score of the segment / 100 (0 without a match).
 * All but the three QE signals come with the decode itself and cost nothing more.
 */
export const CASCADE_SIGNALS = [
  'qe',
  'qe-min-token',
  'qe-margin',
  'qe-token-gap',
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
export const QE_SIGNALS: readonly CascadeSignal[] = [
  'qe',
  'qe-min-token',
  'qe-margin',
  'qe-token-gap',
];

export type QeSignalValues = Pick<
  CascadeSignalValues,
  'qe' | 'qe-min-token' | 'qe-margin' | 'qe-token-gap'
>;

/** The QE signals when the scorer does not read QE: NaN, never read. */
export const NO_QE_SIGNALS: QeSignalValues = {
  qe: Number.NaN,
  'qe-min-token': Number.NaN,
  'qe-margin': Number.NaN,
  'qe-token-gap': Number.NaN,
};

interface QeOfCandidate {
  readonly mean: number;
  readonly tokens: readonly number[];
}

/**
 * The QE batch's signals of one translation: its mean, its least likely token, the least gap
 * between QE's and the engine's log-probability of a token (`engineTokens`: the decode's
 * tokenLogprobs, end token last as QE's), and (when the batch also scored the runner-up) the
 * margin over the runner-up; NaN margin when the batch did not score it (a scorer that reads the
 * margin asks for it), 0 when there is no runner-up.
 */
export function qeSignals(
  score: QeOfCandidate,
  engineTokens: readonly number[],
  runnerUp?: QeOfCandidate | null,
): QeSignalValues {
  // Position by position from the start; a decode cut at the most length has no end token, so
  // QE's last (the end token it was asked about) then has no partner and is left out.
  const positions = Math.min(score.tokens.length, engineTokens.length);
  let gap = 0;
  for (let t = 0; t < positions; t++) gap = Math.min(gap, score.tokens[t]! - engineTokens[t]!);
  return {
    qe: score.mean,
    'qe-min-token': score.tokens.length > 0 ? Math.min(...score.tokens) : score.mean,
    'qe-margin': runnerUp === undefined ? Number.NaN : runnerUp ? score.mean - runnerUp.mean : 0,
    'qe-token-gap': gap,
  };
}

/** Whether the scorer needs the QE model (and pays for its batch). */
export function scorerNeedsQe(scorer: CascadeScorer): boolean {
  return scorerReads(scorer, QE_SIGNALS);
}

/** Whether the scorer reads the QE margin (its QE batch then scores the runner-up too). */
export function scorerNeedsRunnerUp(scorer: CascadeScorer): boolean {
  return scorerReads(scorer, ['qe-margin']);
}

function scorerReads(scorer: CascadeScorer, signals: readonly CascadeSignal[]): boolean {
  return typeof scorer === 'string'
    ? signals.includes(scorer)
    : signals.some((s) => (scorer.linear[s] ?? 0) !== 0);
}

/**
 * The engine's runner-up: the first hypothesis of its n-best list, best first, whose tokens
 * (without the end token) differ from the translation's; null when every hypothesis is the same.
 */
export function runnerUp(
  result: DecodeResult,
  translation: readonly number[],
  eos: number,
): number[] | null {
  const key = translation.join(',');
  for (const hypothesis of result.hypotheses) {
    const tokens =
      hypothesis.tokens.at(-1) === eos ? hypothesis.tokens.slice(0, -1) : [...hypothesis.tokens];
    if (tokens.join(',') !== key) return tokens;
  }
  return null;
}

/** The signals that come with a decode, without running anything more. */
export function decodeSignals(
  result: DecodeResult,
): Omit<CascadeSignalValues, keyof QeSignalValues | 'tm-match'> {
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
