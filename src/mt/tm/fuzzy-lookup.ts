import * as args from '../../actor/arguments.js';
import { canonicalRange } from './language-tag.js';
import type { TmMatch } from './segment.js';
import type { CandidateRow, LanguagePair, SegmentStore } from './segment-store.js';
import { hash64 } from './segment-store.js';
import { boundedTokenDistance, maxDistanceFor, similarity } from './similarity.js';
import { exactKey, isWord, scoreTokens } from './tokenize.js';

export interface LookupOptions {
  /** Source language range: `en` matches `en`, `en-US`, `en-GB`; `*` matches any. */
  readonly from: string;
  /** Target language range, as `from`. */
  readonly to: string;
  /** Lowest score returned, 0–100; default 75. */
  readonly min?: number;
  /** Most results returned; default 10. */
  readonly limit?: number;
  /**
   * Most candidate rows scored per lookup; default 20 000. The index usually yields far fewer;
   * a query made only of very common words may hit the cap, and then the newest rows are scored.
   */
  readonly maxCandidates?: number;
  /**
   * Postings (summed segment counts of the terms any candidate must hold one of) above which the
   * lookup takes one more term and asks the index for rows holding two; default 3000. A tuning
   * knob: both ways find the same matches.
   */
  readonly countFilterFrom?: number;
  /** The most positions {@link planTerms} may ask a candidate to fill; default 3. */
  readonly maxNeed?: number;
}

/** A lookup's results and how they were found. */
export interface LookupTrace {
  readonly matches: TmMatch[];
  /**
   * `index`: rows holding any of `terms`, from the full-text index; `index-count`: rows filling
   * `need` of their positions (see `countFilterFrom`); `scan`: a length-bounded scan.
   */
  readonly strategy: 'index' | 'index-count' | 'scan';
  /** The index terms the candidates had to hold. */
  readonly terms: readonly string[];
  /** How many of the query positions those terms fill a candidate had to fill (1 for `index`). */
  readonly need: number;
  /** Rows read and scored, exact-match rows included. */
  readonly candidates: number;
  /** True when `maxCandidates` cut the candidate list, so a match may have been missed. */
  readonly truncated: boolean;
}

/**
 * A lookup's options read once and checked: language ranges canonical, each number in its range;
 * an ArgumentError names the one that is not (`options.min`).
 */
function checkLookupOptions(where: string, given: unknown): LookupOptions {
  const o = args.optionsCopy(where, 'options', given, [
    'from',
    'to',
    'min',
    'limit',
    'maxCandidates',
    'countFilterFrom',
    'maxNeed',
  ]);
  const positive = (key: string) => args.optionalInteger(where, `options.${key}`, o[key], 1);
  const min = args.optionalNumber(
    where,
    'options.min',
    o.min,
    'a score from 0 to 100',
    (n) => n >= 0 && n <= 100,
  );
  const checked = {
    from: canonicalRange(o.from as string, 'options.from'),
    to: canonicalRange(o.to as string, 'options.to'),
    min,
    limit: positive('limit'),
    maxCandidates: positive('maxCandidates'),
    countFilterFrom: args.optionalNumber(
      where,
      'options.countFilterFrom',
      o.countFilterFrom,
      'a number of postings ≥ 0 (Infinity for never)',
      (n) => n >= 0,
    ),
    maxNeed: positive('maxNeed'),
  };
  return Object.fromEntries(
    Object.entries(checked).filter(([, v]) => v !== undefined),
  ) as unknown as LookupOptions;
}

/**
 * Finds the segments whose source is most like `text`.
 *
 * Exact matches (score 100: same source after NFC and white-space folding) come from the hash
 * index on the source. Fuzzy candidates come from the full-text index with a filter that loses
 * no match (the *prefix filter* of similarity joins):
 *
 * A candidate of m tokens scoring ≥ min against a query of n tokens has distance
 * d ≤ L(1 − min/100), L = max(n, m), so at least L − d ≥ ⌈n·min/100⌉ = r query tokens are matched
 * by equal tokens, and at most n − r are not. Any n − r + 1 query positions therefore include a
 * matched one: the candidate holds at least one of those tokens. The lookup picks those positions
 * among the query's words, rarest first (by the term_frequency table), and asks the index for
 * rows holding any of them (or, when those are common, two of n − r + 2: {@link planTerms}). The
 * same inequality bounds the candidate's length: ⌈n·min/100⌉ ≤ m ≤ ⌊n·100/min⌋. When the words
 * cannot cover n − r + 1 positions (a query of punctuation, or min 0) the lookup falls back to a
 * length-bounded scan.
 */
export function lookup(
  store: SegmentStore,
  text: string,
  given: LookupOptions,
  where = 'TranslationMemory.lookup',
): LookupTrace {
  args.text(where, 'text', text);
  const options = checkLookupOptions(where, given);
  const pair: LanguagePair = { from: options.from, to: options.to };
  const min = options.min ?? 75;
  const limit = options.limit ?? 10;
  const maxCandidates = options.maxCandidates ?? 20_000;

  const query = scoreTokens(text);
  const n = query.length;
  if (n === 0)
    return { matches: [], strategy: 'index', terms: [], need: 1, candidates: 0, truncated: false };

  const key = exactKey(text);
  const scored: { row: CandidateRow; score: number }[] = [];
  const exactIds = new Set<number>();
  const exactRows = store.exactCandidates(hash64(key), pair);
  for (const row of exactRows) {
    if (exactKey(row.source) !== key) continue; // a hash collision
    exactIds.add(row.id);
    scored.push({ row, score: 100 });
  }

  let strategy: LookupTrace['strategy'] = 'index';
  let terms: string[] = [];
  let need = 1;
  let rows: CandidateRow[] = [];
  let truncated = false;
  // Exact matches outrank every fuzzy one: when they fill the list, there is nothing to look for.
  if (min < 100 && scored.length < limit) {
    const matchedAtLeast = Math.ceil((n * min) / 100 - 1e-9);
    const unmatchedAtMost = n - matchedAtLeast;
    const minLength = Math.max(1, matchedAtLeast);
    const maxLength = min > 0 ? Math.floor((n * 100) / min + 1e-9) : Number.MAX_SAFE_INTEGER;
    const ranked = rankTerms(store, query);
    const plan =
      min > 0
        ? planTerms(
            ranked,
            unmatchedAtMost,
            options.countFilterFrom ?? COUNT_FILTER_FROM,
            options.maxNeed ?? MAX_NEED,
          )
        : null;
    if (plan === null) {
      strategy = 'scan';
      rows = store.scanCandidates(pair, minLength, maxLength, maxCandidates);
    } else {
      if (plan.need > 1) strategy = 'index-count';
      terms = plan.terms.map((t) => t.term);
      need = plan.need;
      rows = store.indexCandidates(plan.match, pair, minLength, maxLength, maxCandidates);
    }
    truncated = rows.length >= maxCandidates;
    scoreCandidates(query, rows, exactIds, min, scored);
  }

  scored.sort(
    (a, b) =>
      b.score - a.score || compareRecency(b.row.recency, a.row.recency) || b.row.id - a.row.id,
  );
  const matches = scored.slice(0, limit).map(({ row, score }) => ({
    ...store.segment(row.id)!,
    score,
  }));
  const candidates = exactRows.length + rows.length;
  return { matches, strategy, terms, need, candidates, truncated };
}

/**
 * When the terms that any candidate must hold one of have more postings than this, the lookup
 * takes one more term and asks for rows holding two of them (see {@link planTerms}).
 */
const COUNT_FILTER_FROM = 3000;
/** The most positions a candidate may be asked to fill from the chosen terms. */
const MAX_NEED = 3;

interface RankedTerm {
  readonly term: string;
  /** Query positions the term fills. */
  readonly weight: number;
  /** Segments that hold it. */
  readonly segments: number;
}

/** The query's words, rarest first. */
function rankTerms(store: SegmentStore, query: readonly string[]): RankedTerm[] {
  const occurrences = new Map<string, number>();
  for (const token of query) {
    if (isWord(token)) occurrences.set(token, (occurrences.get(token) ?? 0) + 1);
  }
  return [...occurrences]
    .map(([term, weight]) => ({ term, weight, segments: store.termFrequency(term) }))
    .sort((a, b) => a.segments - b.segments);
}

/**
 * The rarest terms that together fill `positions` query positions, or null when all the query's
 * words cannot (the index cannot then narrow the search without losing matches).
 */
function cover(ranked: readonly RankedTerm[], positions: number): RankedTerm[] | null {
  const chosen: RankedTerm[] = [];
  let covered = 0;
  for (const term of ranked) {
    if (covered >= positions) break;
    chosen.push(term);
    covered += term.weight;
  }
  return covered >= positions ? chosen : null;
}

function postings(terms: readonly RankedTerm[]): number {
  return terms.reduce((sum, t) => sum + t.segments, 0);
}

/**
 * Which terms a candidate must hold, and how many of the positions they fill.
 *
 * Terms filling u + 1 positions (u = the most positions a match may leave unmatched) make the
 * cheapest lossless filter: a candidate holds one of them. When those terms are common (more than
 * `countFilterFrom` postings), terms filling u + k positions are taken instead and a candidate
 * must fill k of them, k growing while the postings stay above `countFilterFrom`·k²: a stricter
 * filter that FTS5 evaluates by merging posting lists, before any row is fetched. Reading the
 * posting lists into JavaScript to count them there measured slower.
 */
function planTerms(
  ranked: readonly RankedTerm[],
  unmatchedAtMost: number,
  countFilterFrom: number,
  maxNeed: number,
): { terms: RankedTerm[]; need: number; match: string } | null {
  let terms = cover(ranked, unmatchedAtMost + 1);
  if (terms === null) return null;
  let need = 1;
  let match = terms.map((t) => `"${t.term}"`).join(' OR ');
  while (need < maxNeed && postings(terms) > countFilterFrom * need * need) {
    const wider = cover(ranked, unmatchedAtMost + need + 1);
    if (wider === null) break;
    const clauses = fillClauses(wider, need + 1);
    if (clauses === null) break;
    terms = wider;
    need++;
    match = clauses.join(' OR ');
  }
  return { terms, need, match };
}

/** Most AND clauses in one FTS5 query before a stricter filter stops paying for itself. */
const MAX_CLAUSES = 40;

/**
 * FTS5 clauses, one per minimal set of terms whose positions add up to `need` (`"a" AND "b"`), or
 * null beyond {@link MAX_CLAUSES}. A row fills `need` positions exactly when it matches one.
 */
function fillClauses(terms: readonly RankedTerm[], need: number): string[] | null {
  const clauses: string[] = [];
  const chosen: RankedTerm[] = [];
  const visit = (from: number, filled: number): boolean => {
    for (let i = from; i < terms.length; i++) {
      const term = terms[i]!;
      chosen.push(term);
      const total = filled + term.weight;
      if (total >= need) {
        // Minimal: no term of the set could be left out.
        if (chosen.every((t) => total - t.weight < need)) {
          clauses.push(chosen.map((t) => `"${t.term}"`).join(' AND '));
          if (clauses.length > MAX_CLAUSES) return false;
        }
      } else if (!visit(i + 1, total)) {
        return false;
      }
      chosen.pop();
    }
    return true;
  };
  if (!visit(0, 0)) return null;
  return clauses.map((clause) => (clause.includes(' AND ') ? `(${clause})` : clause));
}

function scoreCandidates(
  query: readonly string[],
  rows: readonly CandidateRow[],
  skip: ReadonlySet<number>,
  min: number,
  into: { row: CandidateRow; score: number }[],
): void {
  // Tokens become small integers so the distance compares numbers, not strings; a candidate
  // token the query lacks maps to -1, which equals no query token.
  const ids = new Map<string, number>();
  const queryIds = Int32Array.from(query, (token) => {
    const known = ids.get(token);
    if (known !== undefined) return known;
    ids.set(token, ids.size);
    return ids.size - 1;
  });
  let candidateIds = new Int32Array(64);
  for (const row of rows) {
    if (skip.has(row.id)) continue;
    const tokens = scoreTokens(row.source);
    const m = tokens.length;
    if (candidateIds.length < m) candidateIds = new Int32Array(m * 2);
    for (let j = 0; j < m; j++) candidateIds[j] = ids.get(tokens[j]!) ?? -1;
    const candidate = candidateIds.subarray(0, m);
    const limit = maxDistanceFor(Math.max(queryIds.length, m), min);
    const distance = boundedTokenDistance(queryIds, candidate, limit);
    if (distance > limit) continue;
    // Same tokens but not the same text (case, spacing around punctuation): not an exact match.
    const score = Math.min(99, similarity(queryIds.length, m, distance));
    if (score >= min) into.push({ row, score });
  }
}

function compareRecency(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a < b ? -1 : 1;
}
