import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { TextDecoder } from 'node:util';
import * as args from '../../actor/arguments.js';
import { ArgumentError } from '../../errors.js';
import { TmxFormatError, TmxParseError } from './errors.js';
import { canonicalTag } from './language-tag.js';
import { type ImportIssue, rowsFromUnit } from './segment-rows.js';
import type { SegmentRow, SegmentStore } from './segment-store.js';
import { sniffDecoder } from './tmx-decoder.js';
import { DEFAULT_MAX_TEXT_LENGTH, TmxReader } from './tmx-reader.js';

export type { ImportIssue } from './segment-rows.js';

/** How far an import has come; called after every chunk read. */
export interface ImportProgress {
  readonly bytesRead: number;
  /** The file's size, or undefined for a stream of unknown length. */
  readonly totalBytes: number | undefined;
  readonly units: number;
  readonly imported: number;
}

export interface ImportOptions {
  readonly onProgress?: (progress: ImportProgress) => void;
  /** Size of a stream input, for progress; a path input is measured. */
  readonly totalBytes?: number;
  /** Segments stored per transaction; default 2000. */
  readonly batchSize?: number;
  /** The name errors give the input; default the file's base name, or "<stream>". */
  readonly name?: string;
  /**
   * Most characters of text in one segment, note or property (or between two tags); default
   * {@link DEFAULT_MAX_TEXT_LENGTH}. Longer text is refused with a TmxLimitError while streaming.
   */
  readonly maxTextLength?: number;
}

export interface ImportSummary {
  /** `<tu>` elements read. */
  readonly units: number;
  /** Segments stored. */
  readonly imported: number;
  /** Segments already in the memory (same languages and markup), not stored again. */
  readonly duplicates: number;
  /** Segments that could not be made: a bad `<tu>` counts once, a bad pair once. */
  readonly skipped: number;
  /** Why things were skipped; the first 100, with their line. */
  readonly issues: readonly ImportIssue[];
  readonly issueCount: number;
  /** Segments stored per language pair. */
  readonly pairs: readonly {
    readonly from: string;
    readonly to: string;
    readonly segments: number;
  }[];
  readonly bytesRead: number;
}

export type ImportSource = string | AsyncIterable<Uint8Array | string>;

/**
 * Streams a TMX file into the store: chunks of the file go through a fatal TextDecoder into the
 * XML parser, each `<tu>` becomes segments, and segments are stored in transactions of
 * `batchSize`. Only the current chunk, the current `<tu>` and one batch are in memory at a time.
 *
 * Batches are committed as they fill: a file that breaks half way leaves the segments before the
 * break stored (the error says how many); importing the fixed file again adds only the rest,
 * since equal segments are never stored twice.
 */
export async function importTmx(
  store: SegmentStore,
  input: ImportSource,
  options: ImportOptions = {},
): Promise<ImportSummary> {
  const batchSize = options.batchSize ?? 2000;
  args.integer('TranslationMemory.importTmx', 'options.batchSize', batchSize, 1);
  const name = options.name ?? (typeof input === 'string' ? basename(input) : '<stream>');
  const totalBytes =
    options.totalBytes ?? (typeof input === 'string' ? (await stat(input)).size : undefined);
  const chunks =
    typeof input === 'string' ? createReadStream(input, { highWaterMark: 256 * 1024 }) : input;

  let headerSource: string | null = null;
  let units = 0;
  let imported = 0;
  let duplicates = 0;
  let skipped = 0;
  let issueCount = 0;
  let bytesRead = 0;
  const issues: ImportIssue[] = [];
  const pairs = new Map<string, number>();
  let batch: SegmentRow[] = [];

  const report = (issue: ImportIssue): void => {
    issueCount++;
    if (issues.length < 100) issues.push(issue);
  };
  const flush = (): void => {
    if (batch.length === 0) return;
    const ids = store.insert(batch, { deferTerms: true });
    ids.forEach((id, i) => {
      if (id === null) {
        duplicates++;
        return;
      }
      imported++;
      const row = batch[i]!;
      const key = `${row.from}\u0000${row.to}`;
      pairs.set(key, (pairs.get(key) ?? 0) + 1);
    });
    batch = [];
  };
  const reader = new TmxReader(
    name,
    {
      header(header) {
        const srclang = header.attributes.srclang ?? null;
        headerSource = srclang;
        if (srclang !== null && srclang.toLowerCase() !== '*all*') {
          try {
            canonicalTag(srclang);
          } catch {
            report({ line: 0, reason: `header srclang "${srclang}" is not a language tag` });
            headerSource = null;
          }
        }
      },
      unit(unit) {
        units++;
        const made = rowsFromUnit(unit, headerSource, report);
        skipped += made.skipped;
        for (const row of made.rows) batch.push(row);
        if (batch.length >= batchSize) flush();
      },
    },
    { maxTextLength: options.maxTextLength ?? DEFAULT_MAX_TEXT_LENGTH },
  );

  let decoder: TextDecoder | null = null;
  let head: Uint8Array[] = [];
  let headBytes = 0;
  const feed = (bytes: Uint8Array | null): void => {
    if (decoder === null) {
      // Sniff the encoding once 512 bytes (or the whole input) have come.
      if (bytes !== null) {
        head.push(bytes);
        headBytes += bytes.length;
        if (headBytes < 512) return;
      }
      const joined = Buffer.concat(head);
      head = [];
      decoder = sniffDecoder(joined);
      write(decoder, joined, bytes === null);
      return;
    }
    write(decoder, bytes ?? new Uint8Array(0), bytes === null);
  };
  const write = (using: TextDecoder, bytes: Uint8Array, end: boolean): void => {
    let text: string;
    try {
      text = using.decode(bytes, { stream: !end });
    } catch {
      // Parse up to the first bad byte so that the error points at it.
      const lenient = new TextDecoder(using.encoding).decode(bytes);
      const bad = lenient.indexOf('\uFFFD');
      if (bad > 0) reader.write(lenient.slice(0, bad));
      throw notDecodable(name, using.encoding, reader);
    }
    reader.write(text);
  };

  try {
    for await (const chunk of chunks) {
      if (typeof chunk === 'string') {
        bytesRead += Buffer.byteLength(chunk);
        reader.write(chunk);
      } else if (!(chunk instanceof Uint8Array)) {
        // The caller's stream, not the file, is wrong: refused as the argument it came in.
        throw new ArgumentError(
          `TranslationMemory.importTmx: input must yield strings or bytes (Uint8Array), got ${args.describe(chunk)}`,
          'input',
        );
      } else {
        bytesRead += chunk.length;
        feed(chunk);
      }
      options.onProgress?.({ bytesRead, totalBytes, units, imported });
    }
    if (decoder !== null || headBytes > 0) feed(null);
    reader.close();
    flush();
  } catch (error) {
    if (!(error instanceof TmxParseError)) throw error;
    // The units read before the break are whole and valid: keep them, and say how many.
    flush();
    throw new TmxParseError(error.reason, error, imported);
  } finally {
    store.flushTerms();
  }
  options.onProgress?.({ bytesRead, totalBytes, units, imported });
  return {
    units,
    imported,
    duplicates,
    skipped,
    issues,
    issueCount,
    pairs: [...pairs].map(([key, segments]) => {
      const [from, to] = key.split('\u0000') as [string, string];
      return { from, to, segments };
    }),
    bytesRead,
  };
}

function notDecodable(name: string, encoding: string, reader: TmxReader): Error {
  const where = { file: name, ...reader.position };
  if (!reader.started) return new TmxFormatError(`but its bytes are not ${encoding} text`, where);
  return new TmxParseError(`bytes that are not valid ${encoding} follow`, where);
}
