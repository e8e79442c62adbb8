import { statSync } from 'node:fs';
import * as args from '../../actor/arguments.js';
import { ArgumentError, RoundtableError } from '../../errors.js';
import { type AnalysisReport, analyze, splitText, type TextSplit } from './analysis.js';
import { TmClosedError, TmDatabaseError } from './errors.js';
import { type LookupOptions, type LookupTrace, lookup } from './fuzzy-lookup.js';
import { canonicalRange } from './language-tag.js';
import type { SegmentInput, TmMatch, TmSegment } from './segment.js';
import { rowFromInput } from './segment-rows.js';
import { type PairCount, type SegmentRow, SegmentStore } from './segment-store.js';
import { type ExportFilter, type ExportSummary, exportTmx } from './tmx-export.js';
import {
  type ImportOptions,
  type ImportSource,
  type ImportSummary,
  importTmx,
} from './tmx-import.js';

export interface TmStats {
  readonly segments: number;
  readonly pairs: readonly PairCount[];
  /** Distinct words in the full-text index. */
  readonly terms: number;
  /** Size of the database (pages × page size), excluding the WAL file. */
  readonly bytes: number;
}

export interface AnalyzeOptions {
  readonly split?: TextSplit;
}

/**
 * A translation memory in an SQLite file (or `:memory:`): segments with their inline markup and
 * TMX metadata, exact and fuzzy lookup, TMX import and export, and analysis of a text against it.
 *
 * The calls that touch only the database are synchronous, as better-sqlite3 is: a lookup takes
 * about a millisecond at 200 000 segments, so a service that must never stall can still run it
 * on a worker. Import and export stream, and are asynchronous.
 */
export class TranslationMemory {
  #store: SegmentStore | null;
  readonly path: string;

  private constructor(store: SegmentStore, path: string) {
    this.#store = store;
    this.path = path;
  }

  /**
   * Opens the memory at `path`, creating it when the file does not exist. TmDatabaseError when
   * the file is not a translation memory of this schema version.
   */
  static open(path: string): TranslationMemory {
    args.name('TranslationMemory.open', 'path', path);
    if (path !== ':memory:' && isFolder(path))
      throw new TmDatabaseError(
        `translation memory ${path} is a folder, expected a SQLite file (or a path to create one)`,
      );
    let store: SegmentStore;
    try {
      store = new SegmentStore(path);
    } catch (error) {
      if (error instanceof RoundtableError) throw error;
      // SQLite's own errors (SQLITE_CANTOPEN, SQLITE_NOTADB…) do not name the file.
      throw new TmDatabaseError(
        `cannot open translation memory ${path}: ${(error as Error).message}`,
        { cause: error },
      );
    }
    return new TranslationMemory(store, path);
  }

  /** Stores a segment; returns its id, or null when an equal one is already stored. */
  add(segment: SegmentInput): number | null {
    const row = rowFromInput(segment, 'segment');
    return this.#live().insert([row])[0] ?? null;
  }

  /** Stores segments in transactions of `batchSize` (default 2000). */
  addMany(
    segments: Iterable<SegmentInput>,
    options: { readonly batchSize?: number } = {},
  ): { readonly added: number; readonly duplicates: number } {
    const where = 'TranslationMemory.addMany';
    const store = this.#live();
    const o = args.optionsCopy(where, 'options', options, ['batchSize']);
    const batchSize = args.optionalInteger(where, 'options.batchSize', o.batchSize, 1) ?? 2000;
    if (!hasMethods(segments, [Symbol.iterator]))
      args.refuse(where, 'segments', 'an iterable of segments', segments);
    let added = 0;
    let duplicates = 0;
    let batch: SegmentRow[] = [];
    const flush = (): void => {
      for (const id of store.insert(batch, { deferTerms: true })) {
        if (id === null) duplicates++;
        else added++;
      }
      batch = [];
    };
    try {
      let i = 0;
      for (const segment of segments) {
        batch.push(rowFromInput(segment, `segments[${i++}]`));
        if (batch.length >= batchSize) flush();
      }
      flush();
    } finally {
      store.flushTerms();
    }
    return { added, duplicates };
  }

  /** The best matches for `text`, best first (score, then most recent change, then newest). */
  lookup(text: string, options: LookupOptions): TmMatch[] {
    return lookup(this.#live(), text, options, 'TranslationMemory.lookup').matches;
  }

  /** A lookup with how it was done: strategy, index terms, candidates scored. */
  explain(text: string, options: LookupOptions): LookupTrace {
    return lookup(this.#live(), text, options, 'TranslationMemory.explain');
  }

  /**
   * SQLite's plans for the two lookup queries (EXPLAIN QUERY PLAN details), for diagnostics: the
   * exact query should search the src_hash index, the fuzzy one scan the full-text index and
   * reach segments by primary key.
   */
  queryPlans(from = '*', to = '*'): { readonly exact: string[]; readonly fuzzy: string[] } {
    const store = this.#live();
    const pair = { from: canonicalRange(from, 'from'), to: canonicalRange(to, 'to') };
    return { exact: store.explainExactCandidates(pair), fuzzy: store.explainIndexCandidates(pair) };
  }

  /** The segments whose source is `text` exactly (NFC, white space folded). */
  exact(text: string, from: string, to: string): TmMatch[] {
    const store = this.#live();
    const pair = { from: canonicalRange(from, 'from'), to: canonicalRange(to, 'to') };
    const options = { ...pair, min: 100, limit: Number.MAX_SAFE_INTEGER };
    return lookup(store, text, options, 'TranslationMemory.exact').matches;
  }

  importTmx(input: ImportSource, options?: ImportOptions): Promise<ImportSummary> {
    try {
      const store = this.#live();
      return importTmx(store, importSource(input), importOptions(options));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  exportTmx(
    output: Parameters<typeof exportTmx>[1],
    filter?: ExportFilter,
  ): Promise<ExportSummary> {
    try {
      const where = 'TranslationMemory.exportTmx';
      if (typeof output === 'string') args.name(where, 'output', output);
      else if (!hasMethods(output, ['write', 'on']))
        args.refuse(where, 'output', 'a path or a writable stream', output);
      filter = exportFilter(where, filter);
      if (typeof output === 'string' && this.path !== ':memory:' && sameFile(output, this.path))
        throw new TmDatabaseError(
          `cannot export translation memory ${this.path} onto itself (${output} is the same file)`,
        );
      return exportTmx(this.#live(), output, filter);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Analysis of a text against the memory; see {@link analyze} for the bands. */
  analyze(text: string, from: string, to: string, options: AnalyzeOptions = {}): AnalysisReport {
    const where = 'TranslationMemory.analyze';
    const store = this.#live();
    args.text(where, 'text', text);
    const o = args.optionsCopy(where, 'options', options, ['split']);
    const split =
      args.optionalOneOf(where, 'options.split', o.split, ['lines', 'sentences'] as const) ??
      'lines';
    const pair = { from: canonicalRange(from, 'from'), to: canonicalRange(to, 'to') };
    const segments = splitText(text, split, pair.from);
    // A lookup at 75 reads a few rows, one at 50 a hundred times more (its prefix filter needs
    // half the query's words): ask 75 first and go down to 50 only for what found nothing.
    const best = (segment: string): number | null =>
      lookup(store, segment, { ...pair, min: 75, limit: 1 }).matches[0]?.score ??
      lookup(store, segment, { ...pair, min: 50, limit: 1 }).matches[0]?.score ??
      null;
    return analyze(segments, best, { ...pair, split });
  }

  /** Every segment in the language ranges of the filter, in id order. */
  *segments(filter: ExportFilter = {}): Generator<TmSegment> {
    const checked = exportFilter('TranslationMemory.segments', filter);
    const pair = { from: checked.from ?? '*', to: checked.to ?? '*' };
    yield* this.#live().segments(pair);
  }

  stats(): TmStats {
    const store = this.#live();
    const pairs = store.pairs();
    return {
      segments: pairs.reduce((sum, pair) => sum + pair.segments, 0),
      pairs,
      terms: store.terms(),
      bytes: store.bytes(),
    };
  }

  /** Closes the database. Later calls throw TmClosedError; closing twice is harmless. */
  close(): void {
    this.#store?.close();
    this.#store = null;
  }

  #live(): SegmentStore {
    if (this.#store === null) throw new TmClosedError(`translation memory ${this.path} is closed`);
    return this.#store;
  }
}

/** Whether `value` is an object with these methods; one whose reading throws has none. */
function hasMethods(value: unknown, keys: readonly (string | symbol)[]): boolean {
  if (typeof value !== 'object' || value === null) return false;
  try {
    return keys.every(
      (key) => typeof (value as Record<string | symbol, unknown>)[key] === 'function',
    );
  } catch {
    return false;
  }
}

/** A filter of language ranges, read once: both canonical, `*` when not given. */
function exportFilter(where: string, filter: unknown): { from: string; to: string } {
  const o = args.optionsCopy(where, 'filter', filter, ['from', 'to']);
  return {
    from: canonicalRange((o.from as string | undefined) ?? '*', 'filter.from'),
    to: canonicalRange((o.to as string | undefined) ?? '*', 'filter.to'),
  };
}

/** A TMX file's path, or a stream (any iterable of chunks) to import from. */
function importSource(input: unknown): ImportSource {
  const where = 'TranslationMemory.importTmx';
  if (typeof input === 'string') {
    args.name(where, 'input', input);
    // A path that names no file is the caller's wrong argument, not a fault of the memory.
    let file: boolean;
    try {
      file = statSync(input).isFile();
    } catch (error) {
      throw new ArgumentError(
        `${where}: input ${JSON.stringify(input)} cannot be read: ${(error as Error).message}`,
        'input',
      );
    }
    if (!file) args.refuse(where, 'input', 'the path of a TMX file', input);
    return input;
  }
  if (!hasMethods(input, [Symbol.asyncIterator]) && !hasMethods(input, [Symbol.iterator]))
    args.refuse(where, 'input', 'a path or a stream of the file', input);
  return input as ImportSource;
}

function importOptions(options: unknown): ImportOptions {
  const where = 'TranslationMemory.importTmx';
  const o = args.optionsCopy(where, 'options', options, [
    'onProgress',
    'totalBytes',
    'batchSize',
    'name',
    'maxTextLength',
  ]);
  if (o.onProgress !== undefined && typeof o.onProgress !== 'function')
    args.refuse(where, 'options.onProgress', 'a function', o.onProgress);
  args.optionalNumber(
    where,
    'options.totalBytes',
    o.totalBytes,
    'a number of bytes ≥ 0',
    (n) => Number.isFinite(n) && n >= 0,
  );
  args.optionalInteger(where, 'options.batchSize', o.batchSize, 1);
  args.optionalString(where, 'options.name', o.name);
  args.optionalInteger(where, 'options.maxTextLength', o.maxTextLength, 1);
  return o as ImportOptions;
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Whether two paths name one file: same device and inode, whatever symlinks or relative parts. */
function sameFile(a: string, b: string): boolean {
  try {
    const x = statSync(a);
    const y = statSync(b);
    return x.dev === y.dev && x.ino === y.ino;
  } catch {
    return false; // a path that does not exist yet is not the database
  }
}
