import * as args from '../../actor/arguments.js';
import { ArgumentError } from '../../errors.js';
import { charNgramsUpTo, type NgramCounts, totalCount, wordNgrams } from './ngrams.js';
import { codePoints, splitWords } from './python-text.js';
import { hypothesesOf, type ReferenceStreams, referencesBySegment } from './references.js';
import { formatSignature } from './signature.js';

export interface ChrfOptions {
  /** Character n-gram order. Default 6. */
  readonly charOrder?: number;
  /** Word n-gram order: 0 for chrF, 2 for chrF++. Default 0. */
  readonly wordOrder?: number;
  /** Weight of recall against precision. Default 2. */
  readonly beta?: number;
  /** Lowercase hypotheses and references first. Default false. */
  readonly lowercase?: boolean;
  /** Keep whitespace inside character n-grams. Default false: whitespace is removed first. */
  readonly whitespace?: boolean;
  /**
   * Average the F-score of every order, with 1e-16 for an order that has no n-grams (chrF++.py,
   * NLTK, Moses). Default false: sacreBLEU 2.x averages precision and recall over the orders that
   * hypothesis and reference both have, then takes one F-score (signature `eff:yes`).
   */
  readonly epsSmoothing?: boolean;
}

export interface ChrfScore {
  /** `chrF2` for chrF, `chrF2++` for chrF++: beta, then one '+' per word order. */
  readonly name: string;
  /** Out of 100. */
  readonly score: number;
  readonly charOrder: number;
  readonly wordOrder: number;
  readonly beta: number;
  /** sacreBLEU's signature, e.g. `nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|version:2.6.0`. */
  readonly signature: string;
}

interface ResolvedChrfOptions {
  readonly charOrder: number;
  readonly wordOrder: number;
  readonly beta: number;
  readonly lowercase: boolean;
  readonly whitespace: boolean;
  readonly epsSmoothing: boolean;
}

const EPS = 1e-16;

// Python's string.punctuation, which chrF++ splits off the start or end of a word.
const PUNCTUATION = new Set('!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~');

const CHRF_KEYS = ['charOrder', 'wordOrder', 'beta', 'lowercase', 'whitespace', 'epsSmoothing'];

/** chrF's options read once and checked, each refused by its name (`options.beta`). */
function resolve(options: unknown, where: string): ResolvedChrfOptions {
  const o = args.optionsCopy(where, 'options', options, CHRF_KEYS);
  const resolved = {
    charOrder: args.optionalInteger(where, 'options.charOrder', o.charOrder, 0, 100) ?? 6,
    wordOrder: args.optionalInteger(where, 'options.wordOrder', o.wordOrder, 0, 100) ?? 0,
    beta:
      args.optionalNumber(
        where,
        'options.beta',
        o.beta,
        'a finite number ≥ 0',
        (b) => Number.isFinite(b) && b >= 0,
      ) ?? 2,
    lowercase: args.optionalBoolean(where, 'options.lowercase', o.lowercase) ?? false,
    whitespace: args.optionalBoolean(where, 'options.whitespace', o.whitespace) ?? false,
    epsSmoothing: args.optionalBoolean(where, 'options.epsSmoothing', o.epsSmoothing) ?? false,
  };
  if (resolved.charOrder + resolved.wordOrder === 0) {
    throw new ArgumentError(
      `${where}: options.charOrder and options.wordOrder are both 0: chrF needs at least one n-gram order`,
      'options.charOrder',
    );
  }
  return resolved;
}

/**
 * The words of chrF++: whitespace-separated, with one punctuation mark split off the end of a word
 * or, failing that, off its start (sacreBLEU's `_remove_punctuation`, after m-popovic/chrF).
 */
function chrfWords(segment: string): string[] {
  const words: string[] = [];
  for (const word of splitWords(segment)) {
    const chars = codePoints(word);
    const first = chars[0]!;
    const last = chars[chars.length - 1]!;
    if (chars.length === 1) words.push(word);
    else if (PUNCTUATION.has(last)) words.push(chars.slice(0, -1).join(''), last);
    else if (PUNCTUATION.has(first)) words.push(first, chars.slice(1).join(''));
    else words.push(word);
  }
  return words;
}

/** Character n-grams of each order, then word n-grams of each order. */
function segmentNgrams(segment: string, options: ResolvedChrfOptions): NgramCounts[] {
  const ngrams = charNgramsUpTo(segment, options.charOrder, options.whitespace);
  if (options.wordOrder > 0) {
    const words = chrfWords(segment);
    for (let n = 1; n <= options.wordOrder; n++) ngrams.push(wordNgrams(words, n));
  }
  return ngrams;
}

/** [hyp n-grams, ref n-grams, matches] for each order, flattened, as sacreBLEU's. */
function matchStatistics(hyp: readonly NgramCounts[], ref: readonly NgramCounts[]): number[] {
  const stats: number[] = [];
  hyp.forEach((hypCounts, i) => {
    const refCounts = ref[i]!;
    let matches = 0;
    for (const [ngram, count] of hypCounts) {
      const refCount = refCounts.get(ngram);
      if (refCount !== undefined) matches += Math.min(count, refCount);
    }
    // A hypothesis n-gram of an order the reference has none of is not counted (sacreBLEU's rule).
    stats.push(refCounts.size > 0 ? totalCount(hypCounts) : 0, totalCount(refCounts), matches);
  });
  return stats;
}

/** sacreBLEU's `CHRF._compute_f_score`, in the same order of floating-point operations. */
function fScore(stats: readonly number[], options: ResolvedChrfOptions): number {
  const order = options.charOrder + options.wordOrder;
  const factor = options.beta ** 2;
  let score = 0.0;
  let effectiveOrder = 0;
  let avgPrec = 0.0;
  let avgRec = 0.0;

  for (let i = 0; i < order; i++) {
    const nHyp = stats[3 * i]!;
    const nRef = stats[3 * i + 1]!;
    const nMatch = stats[3 * i + 2]!;
    const prec = nHyp > 0 ? nMatch / nHyp : EPS;
    const rec = nRef > 0 ? nMatch / nRef : EPS;
    const denom = factor * prec + rec;
    score += denom > 0 ? ((1 + factor) * prec * rec) / denom : EPS;
    if (nHyp > 0 && nRef > 0) {
      avgPrec += prec;
      avgRec += rec;
      effectiveOrder += 1;
    }
  }

  if (options.epsSmoothing) return (100 * score) / order;

  if (effectiveOrder === 0) {
    avgPrec = 0.0;
    avgRec = 0.0;
  } else {
    avgPrec /= effectiveOrder;
    avgRec /= effectiveOrder;
  }
  if (avgPrec + avgRec === 0) return 0.0;
  const f = ((1 + factor) * avgPrec * avgRec) / (factor * avgPrec + avgRec);
  return 100 * f;
}

function chrfOf(
  hyps: readonly string[],
  refs: unknown,
  resolved: ResolvedChrfOptions,
  where: string,
): ChrfScore {
  const { bySegment, nrefs } = referencesBySegment(where, hyps, refs);
  const prepare = (line: string) => (resolved.lowercase ? line.toLowerCase() : line);
  const order = resolved.charOrder + resolved.wordOrder;
  const sums = new Array<number>(3 * order).fill(0);

  hyps.forEach((hyp, i) => {
    const hypNgrams = segmentNgrams(prepare(hyp), resolved);
    // Each segment is scored against the one reference that gives it the best F-score.
    let best: number[] = [];
    let bestScore = -1.0;
    for (const ref of bySegment[i]!) {
      const stats = matchStatistics(hypNgrams, segmentNgrams(prepare(ref), resolved));
      const score = fScore(stats, resolved);
      if (score > bestScore) {
        bestScore = score;
        best = stats;
      }
    }
    best.forEach((value, k) => {
      sums[k] = sums[k]! + value;
    });
  });

  const signature = formatSignature([
    ['nrefs', nrefs],
    ['case', resolved.lowercase ? 'lc' : 'mixed'],
    ['eff', resolved.epsSmoothing ? 'no' : 'yes'],
    ['nc', resolved.charOrder],
    ['nw', resolved.wordOrder],
    ['space', resolved.whitespace ? 'yes' : 'no'],
  ]);
  return {
    name: `chrF${resolved.beta}${'+'.repeat(resolved.wordOrder)}`,
    score: fScore(sums, resolved),
    charOrder: resolved.charOrder,
    wordOrder: resolved.wordOrder,
    beta: resolved.beta,
    signature,
  };
}

/**
 * Corpus chrF (Popović 2015), or chrF++ with `wordOrder: 2` (Popović 2017), as sacreBLEU 2.x
 * computes it: n-gram statistics of every segment, against its best reference, are summed over
 * the corpus, and the score is computed once from the sums. `refs[r][i]` is reference r of
 * segment i.
 */
export function corpusChrf(
  hyps: readonly string[],
  refs: ReferenceStreams,
  options: ChrfOptions = {},
): ChrfScore {
  const where = 'corpusChrf';
  const resolved = resolve(options, where);
  return chrfOf(hypothesesOf(where, hyps), refs, resolved, where);
}

/** Corpus chrF++: {@link corpusChrf} with word n-grams up to order 2. */
export function chrfPlusPlus(
  hyps: readonly string[],
  refs: ReferenceStreams,
  options: Omit<ChrfOptions, 'wordOrder'> = {},
): ChrfScore {
  const where = 'chrfPlusPlus';
  const given = args.optionsCopy(where, 'options', options, CHRF_KEYS);
  const resolved = resolve({ ...given, wordOrder: 2 }, where);
  return chrfOf(hypothesesOf(where, hyps), refs, resolved, where);
}

/** chrF of one segment against its references. */
export function sentenceChrf(
  hyp: string,
  refs: readonly string[],
  options: ChrfOptions = {},
): ChrfScore {
  const where = 'sentenceChrf';
  const resolved = resolve(options, where);
  const text = args.text(where, 'hyp', hyp);
  const references = args.strings(where, 'refs', refs);
  return chrfOf(
    [text],
    references.map((ref) => [ref]),
    resolved,
    where,
  );
}

/**
 * A segment's chrF statistics against its best reference: summed over segments, they give the
 * corpus chrF ({@link chrfOfStatistics}) without scoring any segment again (cascade learning
 * replays many choices of one answer per segment).
 */
export function chrfStatistics(
  hyp: string,
  refs: readonly string[],
  options: ChrfOptions = {},
): number[] {
  const resolved = resolve(options, 'chrfStatistics');
  const prepare = (line: string) => (resolved.lowercase ? line.toLowerCase() : line);
  const hypNgrams = segmentNgrams(prepare(hyp), resolved);
  let best: number[] = [];
  let bestScore = -1.0;
  for (const ref of refs) {
    const stats = matchStatistics(hypNgrams, segmentNgrams(prepare(ref), resolved));
    const score = fScore(stats, resolved);
    if (score > bestScore) {
      bestScore = score;
      best = stats;
    }
  }
  return best;
}

/** The corpus chrF of summed {@link chrfStatistics}, out of 100. */
export function chrfOfStatistics(sums: readonly number[], options: ChrfOptions = {}): number {
  return fScore(sums, resolve(options, 'chrfOfStatistics'));
}
