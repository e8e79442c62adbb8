import type Database from 'better-sqlite3';
import { TmDatabaseError } from './errors.js';

/** Bumped whenever the tables change shape; a memory of another version is refused. */
export const SCHEMA_VERSION = 1;

/**
 * One row per (source, target) pair.
 *
 * - `source`/`target`: the plain text, inline tags' native code left out: what matching sees.
 * - `source_markup`/`target_markup`: the `<seg>` content as canonical XML when it has inline tags,
 *   re-emitted verbatim on export; NULL when the segment is plain text (the markup is then the
 *   escaped text, so storing it would only double the row).
 * - `src_hash`: 64-bit hash of the source's exact key (see `exactKey`): the exact-match index.
 * - `src_len`: token count of the source: the length pre-filter of fuzzy lookup.
 * - `pair_hash`: 64-bit hash of languages and both markups; UNIQUE, so re-importing a file adds
 *   nothing twice.
 * - dates are ISO 8601 UTC (`2024-05-01T12:00:00Z`), which sort as text.
 * - `props`/`notes`: JSON arrays of TMX `<prop>`/`<note>`, each with `at: "source" | "target"` when
 *   it came from a `<tuv>` rather than the `<tu>`.
 */
const DDL = `
CREATE TABLE IF NOT EXISTS segments (
  id INTEGER PRIMARY KEY,
  src_lang TEXT NOT NULL,
  tgt_lang TEXT NOT NULL,
  source TEXT NOT NULL,
  target TEXT NOT NULL,
  source_markup TEXT,
  target_markup TEXT,
  src_hash INTEGER NOT NULL,
  src_len INTEGER NOT NULL,
  pair_hash INTEGER NOT NULL,
  tuid TEXT,
  creation_date TEXT,
  creation_id TEXT,
  change_date TEXT,
  change_id TEXT,
  props TEXT,
  notes TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS segments_pair_hash ON segments (pair_hash);
CREATE INDEX IF NOT EXISTS segments_src_hash ON segments (src_hash);
CREATE INDEX IF NOT EXISTS segments_langs ON segments (src_lang, tgt_lang);
-- Contentless: the index keeps only term lists; the text lives in segments (rowid = id).
CREATE VIRTUAL TABLE IF NOT EXISTS segment_terms USING fts5 (
  terms, content = '', tokenize = 'ascii', detail = 'none'
);
-- How many segments hold each term: lookup asks the rarest query terms first.
CREATE TABLE IF NOT EXISTS term_frequency (
  term TEXT PRIMARY KEY,
  segments INTEGER NOT NULL
) WITHOUT ROWID;
`;

/** Sets the connection up (WAL, cache) and creates or checks the tables. */
export function prepareSchema(db: Database.Database, path: string): void {
  try {
    db.pragma('journal_mode = WAL');
    // With WAL, NORMAL loses at most the last transactions on power loss, never consistency.
    db.pragma('synchronous = NORMAL');
    db.pragma('cache_size = -65536');
    // Reads through a memory map skip a read() system call per page missing from the cache.
    db.pragma('mmap_size = 1073741824');
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version !== 0 && version !== SCHEMA_VERSION) {
      throw new TmDatabaseError(
        `translation memory ${path} has schema version ${version}, this build reads version ${SCHEMA_VERSION}`,
      );
    }
    if (version === 0) {
      const tables = db
        .prepare(`SELECT count(*) AS n FROM sqlite_schema WHERE type = 'table'`)
        .get() as { n: number };
      if (tables.n > 0) {
        throw new TmDatabaseError(
          `${path} is an SQLite database with ${tables.n} tables but not a translation memory`,
        );
      }
      db.exec(DDL);
      db.pragma(`user_version = ${SCHEMA_VERSION}`);
    }
  } catch (error) {
    if (error instanceof TmDatabaseError) throw error;
    throw new TmDatabaseError(
      `cannot open translation memory ${path}: ${(error as Error).message}`,
      { cause: error },
    );
  }
}
