import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import { rangeBounds } from './language-tag.js';
import { prepareSchema } from './schema.js';
import type { TmNote, TmProp, TmSegment } from './segment.js';
import { exactKey, indexTerms, isWord, scoreTokens } from './tokenize.js';
import { escapeText } from './xml-escape.js';

/** A segment as the store writes it: canonical languages, ISO dates, JSON metadata. */
export interface SegmentRow {
  readonly from: string;
  readonly to: string;
  readonly source: string;
  readonly target: string;
  readonly sourceMarkup: string | null;
  readonly targetMarkup: string | null;
  readonly tuid: string | null;
  readonly creationDate: string | null;
  readonly creationId: string | null;
  readonly changeDate: string | null;
  readonly changeId: string | null;
  readonly props: string | null;
  readonly notes: string | null;
}

/** Canonical language ranges (`*` for any) that select segments. */
export interface LanguagePair {
  readonly from: string;
  readonly to: string;
}

/** What a lookup needs of a row to score it and order the results. */
export interface CandidateRow {
  readonly id: number;
  readonly source: string;
  readonly srcLen: number;
  readonly recency: string | null;
}

export interface PairCount {
  readonly from: string;
  readonly to: string;
  readonly segments: number;
}

interface RawSegment {
  id: number;
  src_lang: string;
  tgt_lang: string;
  source: string;
  target: string;
  source_markup: string | null;
  target_markup: string | null;
  tuid: string | null;
  creation_date: string | null;
  creation_id: string | null;
  change_date: string | null;
  change_id: string | null;
  props: string | null;
  notes: string | null;
}

/** A 64-bit hash as SQLite's INTEGER takes it. */
export function hash64(text: string): bigint {
  return createHash('sha1').update(text).digest().readBigInt64BE(0);
}

const CANDIDATE_COLUMNS = `s.id AS id, s.source AS source, s.src_len AS srcLen,
  coalesce(s.change_date, s.creation_date) AS recency`;

/**
 * The SQLite side of the memory: the tables, the prepared statements, and nothing of matching.
 * Every statement is prepared once; those whose text depends on the shape of a language filter
 * are prepared on first use per shape and cached.
 */
export class SegmentStore {
  readonly #db: Database.Database;
  readonly #insert: Database.Statement;
  readonly #insertTerms: Database.Statement;
  readonly #bumpTerm: Database.Statement;
  readonly #termFrequency: Database.Statement;
  readonly #byId: Database.Statement;
  readonly #shaped = new Map<string, Database.Statement>();
  /** Term counts not yet added to term_frequency; see {@link insert}. */
  readonly #pendingTerms = new Map<string, number>();

  constructor(path: string) {
    const db = new Database(path);
    try {
      prepareSchema(db, path);
    } catch (error) {
      db.close();
      throw error;
    }
    this.#db = db;
    this.#insert = db.prepare(
      `INSERT INTO segments (src_lang, tgt_lang, source, target, source_markup, target_markup,
         src_hash, src_len, pair_hash, tuid, creation_date, creation_id, change_date, change_id,
         props, notes)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (pair_hash) DO NOTHING`,
    );
    this.#insertTerms = db.prepare('INSERT INTO segment_terms (rowid, terms) VALUES (?, ?)');
    this.#bumpTerm = db.prepare(
      `INSERT INTO term_frequency (term, segments) VALUES (?, ?)
       ON CONFLICT (term) DO UPDATE SET segments = segments + excluded.segments`,
    );
    this.#termFrequency = db.prepare('SELECT segments FROM term_frequency WHERE term = ?').pluck();
    this.#byId = db.prepare('SELECT * FROM segments WHERE id = ?');
  }

  /**
   * Stores rows in one transaction. A row equal to a stored one (same languages, same markup on
   * both sides) is not stored again: its entry in the result is null, others get their new id.
   *
   * With `deferTerms`, term counts gather in memory (up to 65 536 distinct terms) and reach the
   * term_frequency table at the next {@link flushTerms} or undeferred insert: one upsert per term
   * per import instead of one per term per batch. Counts that lag only make a lookup pick less
   * rare terms, never miss a match, since any choice of terms covering enough positions is exact.
   */
  insert(
    rows: readonly SegmentRow[],
    options: { readonly deferTerms?: boolean } = {},
  ): (number | null)[] {
    return this.#db.transaction(() => {
      const ids: (number | null)[] = [];
      const pending = this.#pendingTerms;
      for (const row of rows) {
        const tokens = scoreTokens(row.source);
        const pairKey = [
          row.from,
          row.to,
          row.sourceMarkup ?? escapeText(row.source),
          row.targetMarkup ?? escapeText(row.target),
        ].join('\u0000');
        const info = this.#insert.run(
          row.from,
          row.to,
          row.source,
          row.target,
          row.sourceMarkup,
          row.targetMarkup,
          hash64(exactKey(row.source)),
          tokens.length,
          hash64(pairKey),
          row.tuid,
          row.creationDate,
          row.creationId,
          row.changeDate,
          row.changeId,
          row.props,
          row.notes,
        );
        if (info.changes === 0) {
          ids.push(null);
          continue;
        }
        const id = Number(info.lastInsertRowid);
        ids.push(id);
        this.#insertTerms.run(id, indexTerms(tokens));
        for (const term of new Set(tokens.filter(isWord))) {
          pending.set(term, (pending.get(term) ?? 0) + 1);
        }
      }
      if (!options.deferTerms || pending.size > 65_536) this.#writeTerms();
      return ids;
    })();
  }

  /** Writes the term counts that deferred inserts gathered. */
  flushTerms(): void {
    if (this.#pendingTerms.size > 0) this.#db.transaction(() => this.#writeTerms())();
  }

  #writeTerms(): void {
    for (const [term, count] of this.#pendingTerms) this.#bumpTerm.run(term, count);
    this.#pendingTerms.clear();
  }

  /** How many segments hold a term (0 when none). */
  termFrequency(term: string): number {
    return (this.#termFrequency.get(term) as number | undefined) ?? 0;
  }

  /** Rows whose source has this exact-key hash, in the language pair. */
  exactCandidates(sourceHash: bigint, pair: LanguagePair): CandidateRow[] {
    const langs = languageClause(pair);
    const sql = `SELECT ${CANDIDATE_COLUMNS} FROM segments s WHERE s.src_hash = ?${langs.sql}`;
    return this.#statement(sql).all(sourceHash, ...langs.params) as CandidateRow[];
  }

  /**
   * Rows holding any term of an FTS5 expression, with a source of `minLength`…`maxLength` tokens,
   * in the language pair, newest first, at most `limit`. The CROSS JOIN keeps the full-text index
   * as the outer loop, so the work is bounded by the terms' posting lists.
   */
  indexCandidates(
    match: string,
    pair: LanguagePair,
    minLength: number,
    maxLength: number,
    limit: number,
  ): CandidateRow[] {
    const langs = languageClause(pair);
    const sql = `SELECT ${CANDIDATE_COLUMNS}
      FROM segment_terms t CROSS JOIN segments s ON s.id = t.rowid
      WHERE segment_terms MATCH ? AND s.src_len BETWEEN ? AND ?${langs.sql}
      ORDER BY t.rowid DESC LIMIT ?`;
    return this.#statement(sql).all(
      match,
      minLength,
      maxLength,
      ...langs.params,
      limit,
    ) as CandidateRow[];
  }

  /** Rows by length and language only, newest first: for queries the index cannot narrow. */
  scanCandidates(
    pair: LanguagePair,
    minLength: number,
    maxLength: number,
    limit: number,
  ): CandidateRow[] {
    const langs = languageClause(pair);
    const sql = `SELECT ${CANDIDATE_COLUMNS} FROM segments s
      WHERE s.src_len BETWEEN ? AND ?${langs.sql} ORDER BY s.id DESC LIMIT ?`;
    return this.#statement(sql).all(minLength, maxLength, ...langs.params, limit) as CandidateRow[];
  }

  /** The query plan SQLite uses for the fuzzy candidate query: for tests and diagnostics. */
  explainIndexCandidates(pair: LanguagePair): string[] {
    const langs = languageClause(pair);
    const sql = `EXPLAIN QUERY PLAN SELECT ${CANDIDATE_COLUMNS}
      FROM segment_terms t CROSS JOIN segments s ON s.id = t.rowid
      WHERE segment_terms MATCH ? AND s.src_len BETWEEN ? AND ?${langs.sql}
      ORDER BY t.rowid DESC LIMIT ?`;
    const rows = this.#db.prepare(sql).all('x', 0, 1, ...langs.params, 1) as { detail: string }[];
    return rows.map((row) => row.detail);
  }

  /** The query plan of the exact-match query. */
  explainExactCandidates(pair: LanguagePair): string[] {
    const langs = languageClause(pair);
    const sql = `EXPLAIN QUERY PLAN SELECT ${CANDIDATE_COLUMNS} FROM segments s
      WHERE s.src_hash = ?${langs.sql}`;
    const rows = this.#db.prepare(sql).all(0n, ...langs.params) as { detail: string }[];
    return rows.map((row) => row.detail);
  }

  segment(id: number): TmSegment | undefined {
    const raw = this.#byId.get(id) as RawSegment | undefined;
    return raw === undefined ? undefined : toSegment(raw);
  }

  /**
   * Every segment in the pair in id order, read a page at a time by key (not one long-lived
   * cursor), so other statements may run on the connection between pages.
   */
  *segments(pair: LanguagePair, pageSize = 1000): Generator<TmSegment> {
    const langs = languageClause(pair);
    const page = this.#statement(
      `SELECT * FROM segments s WHERE s.id > ?${langs.sql} ORDER BY s.id LIMIT ?`,
    );
    let after = 0;
    for (;;) {
      const rows = page.all(after, ...langs.params, pageSize) as RawSegment[];
      for (const row of rows) yield toSegment(row);
      if (rows.length < pageSize) return;
      after = rows.at(-1)!.id;
    }
  }

  /** Segment counts per language pair. */
  pairs(pair: LanguagePair = { from: '*', to: '*' }): PairCount[] {
    const langs = languageClause(pair);
    const sql = `SELECT src_lang AS "from", tgt_lang AS "to", count(*) AS segments FROM segments s
      WHERE 1${langs.sql} GROUP BY src_lang, tgt_lang ORDER BY src_lang, tgt_lang`;
    return this.#statement(sql).all(...langs.params) as PairCount[];
  }

  terms(): number {
    return this.#db.prepare('SELECT count(*) FROM term_frequency').pluck().get() as number;
  }

  bytes(): number {
    const pages = this.#db.pragma('page_count', { simple: true }) as number;
    const size = this.#db.pragma('page_size', { simple: true }) as number;
    return pages * size;
  }

  close(): void {
    this.#db.close();
  }

  #statement(sql: string): Database.Statement {
    let statement = this.#shaped.get(sql);
    if (statement === undefined) {
      statement = this.#db.prepare(sql);
      this.#shaped.set(sql, statement);
    }
    return statement;
  }
}

/** The SQL (to append after a WHERE) and parameters that restrict rows to a language pair. */
function languageClause(pair: LanguagePair): { sql: string; params: string[] } {
  let sql = '';
  const params: string[] = [];
  for (const [column, range] of [
    ['s.src_lang', pair.from],
    ['s.tgt_lang', pair.to],
  ] as const) {
    const bounds = rangeBounds(range);
    if (bounds === null) continue;
    sql += ` AND (${column} = ? OR (${column} >= ? AND ${column} < ?))`;
    params.push(bounds.exact, bounds.low, bounds.high);
  }
  return { sql, params };
}

function toSegment(raw: RawSegment): TmSegment {
  return {
    id: raw.id,
    from: raw.src_lang,
    to: raw.tgt_lang,
    source: raw.source,
    target: raw.target,
    sourceMarkup: raw.source_markup ?? escapeText(raw.source),
    targetMarkup: raw.target_markup ?? escapeText(raw.target),
    tuid: raw.tuid,
    creationDate: raw.creation_date,
    creationId: raw.creation_id,
    changeDate: raw.change_date,
    changeId: raw.change_id,
    props: raw.props === null ? [] : (JSON.parse(raw.props) as TmProp[]),
    notes: raw.notes === null ? [] : (JSON.parse(raw.notes) as TmNote[]),
  };
}
