import { RoundtableError } from '../../errors.js';

/** Where in a TMX file something went wrong; `line` and `column` are one-based. */
export interface TmxLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/**
 * A TMX file that is not well-formed XML (an unclosed tag, a bad entity, a stray `<`). The
 * location is the parser's, so it points at or just after the offending character.
 */
export class TmxParseError extends RoundtableError {
  override readonly code = 'ERR_TMX_PARSE';
  override name = 'TmxParseError';
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** What the parser objected to, without the location. */
  readonly reason: string;
  /** Segments already stored (in earlier batches) when the error stopped the import. */
  readonly imported: number;

  constructor(reason: string, where: TmxLocation, imported = 0) {
    super(
      `malformed TMX file ${where.file} at line ${where.line}, column ${where.column}: ${reason}` +
        (imported > 0
          ? ` (${imported === 1 ? 'the segment before it was' : `the ${imported} segments before it were`} imported)`
          : ''),
    );
    this.file = where.file;
    this.line = where.line;
    this.column = where.column;
    this.reason = reason;
    this.imported = imported;
  }
}

/** A file that is not TMX at all: not XML, or XML whose root element is not `<tmx>`. */
export class TmxFormatError extends RoundtableError {
  override readonly code = 'ERR_TMX_FORMAT';
  override name = 'TmxFormatError';
  readonly file: string;
  readonly line: number;
  readonly column: number;

  constructor(what: string, where: TmxLocation) {
    super(
      `${where.file} is not a TMX file: expected a <tmx> root element, ${what} ` +
        `(line ${where.line}, column ${where.column})`,
    );
    this.file = where.file;
    this.line = where.line;
    this.column = where.column;
  }
}

/** A database file that is not a translation memory of this version (or not SQLite at all). */
export class TmDatabaseError extends RoundtableError {
  override readonly code = 'ERR_TM_DATABASE';
  override name = 'TmDatabaseError';
}

/** A translation memory used after {@link TranslationMemory.close}. */
export class TmClosedError extends RoundtableError {
  override readonly code = 'ERR_TM_CLOSED';
  override name = 'TmClosedError';
}

/**
 * A TMX file with more text in one place (a segment, a note, a property, or any text between two
 * tags) than the import allows: refused while streaming, before it can exhaust the heap.
 */
export class TmxLimitError extends RoundtableError {
  override readonly code = 'ERR_TMX_LIMIT';
  override name = 'TmxLimitError';
  readonly file: string;
  readonly line: number;
  readonly limit: number;

  constructor(what: string, limit: number, where: TmxLocation) {
    super(
      `TMX file ${where.file} at line ${where.line}: ${what} is longer than ${limit} characters, ` +
        `the most the import takes (option maxTextLength, --max-text-length on the command line)`,
    );
    this.file = where.file;
    this.line = where.line;
    this.limit = limit;
  }
}
