import * as args from '../../actor/arguments.js';
import { ArgumentError } from '../../errors.js';
import {
  BLEU_TOKENIZERS,
  type BleuTokenizerName,
  bleuTokenizer,
  type Tokenize,
} from './bleu-tokenizers.js';
import { formatFixed } from './format-fixed.js';
import { type NgramCounts, wordNgramsUpTo } from './ngrams.js';
import { splitWords, stripEnd } from './python-text.js';
import { hypothesesOf, type ReferenceStreams, referencesBySegment } from './references.js';
import { formatSignature } from './signature.js';

/**
 * How BLEU scores an n-gram order with no match (Chen & Cherry 2014, as sacreBLEU names them):
 * - 'none': not at all, so one empty order makes BLEU 0;
 * - 'floor': the precision becomes `smoothValue / total` (default 0.1);
 * - 'add-k': `smoothValue` is added to matches and totals of orders 2 and up (default 1);
 * - 'exp': mteval-v13a's method, the precision becomes 1 / (2^k · total) for the k-th empty order.
 */
export type SmoothMethod = 'exp' | 'floor' | 'add-k' | 'none';

const SMOOTH_DEFAULTS: Readonly<Record<SmoothMethod, number | undefined>> = {
  none: undefined,
  floor: 0.1,
  'add-k': 1,
  exp: undefined,
};

/** How BLEU turns match statistics into a score. */
export interface BleuScoringOptions {
  /** Default 'exp' for {@link corpusBleu} and {@link sentenceBleu}, 'none' for {@link computeBleu}. */
  readonly smoothMethod?: SmoothMethod;
  /** The value of 'floor' and 'add-k'; their default (0.1, 1) when not given. */
  readonly smoothValue?: number;
  /**
   * Average only the orders up to the last one the hypothesis has n-grams of, so a hypothesis
   * shorter than `maxNgramOrder` words is not scored 0. Default false for the corpus, true for a
   * sentence, as in sacreBLEU.
   */
  readonly effectiveOrder?: boolean;
  /** Default 4. */
  readonly maxNgramOrder?: number;
}

export interface BleuOptions extends BleuScoringOptions {
  /** Default '13a'. */
  readonly tokenize?: BleuTokenizerName;
  /** Lowercase hypotheses and references before tokenizing. Default false. */
  readonly lowercase?: boolean;
}

/** BLEU computed from its statistics, in sacreBLEU's units (score and precisions out of 100). */
export interface BleuComputation {
  readonly score: number;
  /** Clipped n-gram matches per order; with 'add-k' they include the added k, as sacreBLEU's do. */
  readonly counts: readonly number[];
  /** Hypothesis n-grams per order; with 'add-k' they include the added k. */
  readonly totals: readonly number[];
  readonly precisions: readonly number[];
  /** Brevity penalty. */
  readonly bp: number;
  /** Tokens in the hypotheses. */
  readonly sysLen: number;
  /** Tokens in the references, the closest reference's length for each segment. */
  readonly refLen: number;
  /** `sysLen / refLen`, 0 when there are no reference tokens. */
  readonly ratio: number;
}

export interface BleuScore extends BleuComputation {
  readonly name: 'BLEU';
  /** sacreBLEU's signature, e.g. `nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0`. */
  readonly signature: string;
}

/** `log`, floored at sacreBLEU's -9999999999 for a zero precision. */
function floorLog(value: number): number {
  return value === 0 ? -9999999999 : Math.log(value);
}

const SMOOTH_METHODS = Object.keys(SMOOTH_DEFAULTS) as SmoothMethod[];
const SCORING_KEYS = ['smoothMethod', 'smoothValue', 'effectiveOrder', 'maxNgramOrder'] as const;

/** BLEU's options read once and checked, each refused by its name (`options.maxNgramOrder`). */
interface CheckedBleuOptions {
  readonly smoothMethod: SmoothMethod;
  readonly smoothValue: number;
  readonly effectiveOrder: boolean;
  readonly maxNgramOrder: number;
  readonly tokenize: BleuTokenizerName;
  readonly lowercase: boolean;
}

function checkBleuOptions(
  where: string,
  options: unknown,
  fallback: { smoothMethod: SmoothMethod; effectiveOrder: boolean },
): CheckedBleuOptions {
  const o = args.optionsCopy(where, 'options', options, [...SCORING_KEYS, 'tokenize', 'lowercase']);
  const smoothMethod =
    args.optionalOneOf(where, 'options.smoothMethod', o.smoothMethod, SMOOTH_METHODS) ??
    fallback.smoothMethod;
  const smoothValue = args.optionalFinite(where, 'options.smoothValue', o.smoothValue);
  return {
    smoothMethod,
    smoothValue: smoothValue ?? SMOOTH_DEFAULTS[smoothMethod] ?? 0,
    effectiveOrder:
      args.optionalBoolean(where, 'options.effectiveOrder', o.effectiveOrder) ??
      fallback.effectiveOrder,
    maxNgramOrder:
      args.optionalInteger(where, 'options.maxNgramOrder', o.maxNgramOrder, 1, 100) ?? 4,
    tokenize: args.optionalOneOf(where, 'options.tokenize', o.tokenize, BLEU_TOKENIZERS) ?? '13a',
    lowercase: args.optionalBoolean(where, 'options.lowercase', o.lowercase) ?? false,
  };
}

/** Counts of matches or of n-grams: finite numbers ≥ 0, read once into a copy. */
function counts(where: string, argument: string, value: unknown): number[] {
  return args.list(where, argument, value, 'an array of counts', (count, at) => {
    if (typeof count !== 'number' || !(Number.isFinite(count) && count >= 0))
      args.refuse(where, at, 'a finite number ≥ 0', count);
    return count;
  });
}

/**
 * BLEU from summed statistics: sacreBLEU's `BLEU.compute_bleu`, step for step, so the floating
 * point results agree with it to the last digits.
 */
export function computeBleu(
  correct: readonly number[],
  total: readonly number[],
  sysLen: number,
  refLen: number,
  options: BleuScoringOptions = {},
): BleuComputation {
  const where = 'computeBleu';
  const checked = checkBleuOptions(where, options, { smoothMethod: 'none', effectiveOrder: false });
  const correctCounts = counts(where, 'correct', correct);
  const totalCounts = counts(where, 'total', total);
  for (const [argument, value] of [
    ['sysLen', sysLen],
    ['refLen', refLen],
  ] as const)
    if (typeof value !== 'number' || !(Number.isFinite(value) && value >= 0))
      args.refuse(where, argument, 'a finite number ≥ 0', value);
  return bleuOfStatistics(correctCounts, totalCounts, sysLen, refLen, checked);
}

function bleuOfStatistics(
  correct: readonly number[],
  total: readonly number[],
  sysLen: number,
  refLen: number,
  options: CheckedBleuOptions,
): BleuComputation {
  const smooth = { method: options.smoothMethod, value: options.smoothValue };
  const maxOrder = options.maxNgramOrder;
  if (correct.length !== maxOrder || total.length !== maxOrder) {
    throw new ArgumentError(
      `computeBleu: correct and total must hold maxNgramOrder = ${maxOrder} counts, got ${correct.length} and ${total.length}`,
      correct.length !== maxOrder ? 'correct' : 'total',
    );
  }
  const counts = [...correct];
  const totals = [...total];
  const ratio = refLen ? sysLen / refLen : 0;

  let bp = 1.0;
  if (sysLen < refLen) bp = sysLen > 0 ? Math.exp(1 - refLen / sysLen) : 0.0;

  const precisions = new Array<number>(maxOrder).fill(0.0);
  // Without a single match the score is 0 whatever the smoothing (sacreBLEU issue #141).
  if (!counts.some((c) => c !== 0)) {
    return { score: 0.0, counts, totals, precisions, bp, sysLen, refLen, ratio };
  }

  let smoothMteval = 1.0;
  let effOrder = maxOrder;
  for (let n = 1; n <= maxOrder; n++) {
    const i = n - 1;
    if (smooth.method === 'add-k' && n > 1) {
      counts[i] = counts[i]! + smooth.value;
      totals[i] = totals[i]! + smooth.value;
    }
    const orderTotal = totals[i]!;
    const orderCorrect = counts[i]!;
    if (orderTotal === 0) break;
    if (options.effectiveOrder) effOrder = n;

    if (orderCorrect === 0) {
      if (smooth.method === 'exp') {
        smoothMteval *= 2;
        precisions[i] = 100 / (smoothMteval * orderTotal);
      } else if (smooth.method === 'floor') {
        precisions[i] = (100 * smooth.value) / orderTotal;
      }
    } else {
      precisions[i] = (100 * orderCorrect) / orderTotal;
    }
  }

  let logSum = 0;
  for (let i = 0; i < effOrder; i++) logSum += floorLog(precisions[i]!);
  const score = bp * Math.exp(logSum / effOrder);
  return { score, counts, totals, precisions, bp, sysLen, refLen, ratio };
}

interface ReferenceInfo {
  /** For each order, the largest count of each n-gram over the segment's references. */
  readonly ngrams: NgramCounts[];
  readonly lengths: number[];
}

function referenceInfo(refs: readonly string[], maxOrder: number): ReferenceInfo {
  const ngrams: NgramCounts[] = Array.from({ length: maxOrder }, () => new Map());
  const lengths: number[] = [];
  for (const ref of refs) {
    const words = splitWords(ref);
    lengths.push(words.length);
    wordNgramsUpTo(words, maxOrder).forEach((counts, i) => {
      const merged = ngrams[i]!;
      for (const [ngram, count] of counts) {
        merged.set(ngram, Math.max(merged.get(ngram) ?? 0, count));
      }
    });
  }
  return { ngrams, lengths };
}

/** The reference length closest to the hypothesis length, the shorter one on a tie. */
function closestRefLength(hypLen: number, refLens: readonly number[]): number {
  let closestDiff = -1;
  let closestLen = -1;
  for (const refLen of refLens) {
    const diff = Math.abs(hypLen - refLen);
    if (closestDiff === -1 || diff < closestDiff) {
      closestDiff = diff;
      closestLen = refLen;
    } else if (diff === closestDiff && refLen < closestLen) {
      closestLen = refLen;
    }
  }
  return closestLen;
}

/** [hypLen, refLen, correct × maxOrder, total × maxOrder] for one segment, as sacreBLEU's. */
function segmentStatistics(hyp: string, ref: ReferenceInfo, maxOrder: number): number[] {
  const words = splitWords(hyp);
  const correct = new Array<number>(maxOrder).fill(0);
  const total = new Array<number>(maxOrder).fill(0);
  wordNgramsUpTo(words, maxOrder).forEach((counts, i) => {
    const refCounts = ref.ngrams[i]!;
    for (const [ngram, count] of counts) {
      total[i] = total[i]! + count;
      const refCount = refCounts.get(ngram);
      if (refCount !== undefined) correct[i] = correct[i]! + Math.min(count, refCount);
    }
  });
  return [words.length, closestRefLength(words.length, ref.lengths), ...correct, ...total];
}

function bleuOf(
  hyps: readonly string[],
  refs: unknown,
  options: CheckedBleuOptions,
  where: string,
): BleuScore {
  const tokenizerName = options.tokenize;
  const tokenize: Tokenize = bleuTokenizer(tokenizerName);
  const maxOrder = options.maxNgramOrder;
  const effectiveOrder = options.effectiveOrder;
  const lowercase = options.lowercase;
  // sacreBLEU lowercases, then strips trailing whitespace, then tokenizes.
  const prepare = (line: string) => tokenize(stripEnd(lowercase ? line.toLowerCase() : line));

  const { bySegment, nrefs } = referencesBySegment(where, hyps, refs);
  const sums = new Array<number>(2 + 2 * maxOrder).fill(0);
  hyps.forEach((hyp, i) => {
    const info = referenceInfo(bySegment[i]!.map(prepare), maxOrder);
    segmentStatistics(prepare(hyp), info, maxOrder).forEach((value, k) => {
      sums[k] = sums[k]! + value;
    });
  });

  const computed = bleuOfStatistics(
    sums.slice(2, 2 + maxOrder),
    sums.slice(2 + maxOrder),
    sums[0]!,
    sums[1]!,
    options,
  );
  const smooth = { method: options.smoothMethod, value: options.smoothValue };

  // The signature shows the value of a method that takes one, default or not: `floor[0.10]`.
  const smoothLabel =
    SMOOTH_DEFAULTS[smooth.method] === undefined
      ? smooth.method
      : `${smooth.method}[${formatFixed(smooth.value, 2)}]`;
  const signature = formatSignature([
    ['nrefs', nrefs],
    ['case', lowercase ? 'lc' : 'mixed'],
    ['eff', effectiveOrder ? 'yes' : 'no'],
    ['tok', tokenizerName],
    ['smooth', smoothLabel],
  ]);
  return { name: 'BLEU', ...computed, signature };
}

/**
 * Corpus BLEU as sacreBLEU computes it: statistics are summed over all segments, then turned into
 * one score. `refs[r][i]` is reference r of segment i; each segment's n-gram counts are clipped by
 * the largest count over its references, and its reference length is the one closest to the
 * hypothesis length.
 */
export function corpusBleu(
  hyps: readonly string[],
  refs: ReferenceStreams,
  options: BleuOptions = {},
): BleuScore {
  const where = 'corpusBleu';
  const checked = checkBleuOptions(where, options, { smoothMethod: 'exp', effectiveOrder: false });
  return bleuOf(hypothesesOf(where, hyps), refs, checked, where);
}

/**
 * BLEU of one segment against its references, with sacreBLEU's defaults for sentences:
 * 'exp' smoothing and the effective order.
 */
export function sentenceBleu(
  hyp: string,
  refs: readonly string[],
  options: BleuOptions = {},
): BleuScore {
  const where = 'sentenceBleu';
  const checked = checkBleuOptions(where, options, { smoothMethod: 'exp', effectiveOrder: true });
  const text = args.text(where, 'hyp', hyp);
  const references = args.strings(where, 'refs', refs);
  return bleuOf(
    [text],
    references.map((ref) => [ref]),
    checked,
    where,
  );
}
