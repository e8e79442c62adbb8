import { once } from 'node:events';
import { createWriteStream, readFileSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { canonicalRange } from './language-tag.js';
import type { TmNote, TmProp, TmSegment } from './segment.js';
import type { SegmentStore } from './segment-store.js';
import { tmxDate } from './tmx-date.js';
import { escapeAttribute, escapeText } from './xml-escape.js';

/** Which segments to export: language ranges as for lookup; both default to `*`. */
export interface ExportFilter {
  readonly from?: string;
  readonly to?: string;
}

export interface ExportSummary {
  readonly segments: number;
  readonly bytes: number;
  /** The header's srclang: the one source language exported, or `*all*`. */
  readonly srclang: string;
}

/**
 * Writes the segments that pass the filter as TMX 1.4b, one `<tu>` of two `<tuv>` per segment,
 * with each segment's markup re-emitted verbatim. Every `<tu>` names its `srclang`, so the file
 * reads back into the same segments even when the header says `*all*`.
 *
 * Rows are read a page at a time and written in 64 KiB pieces that wait for the stream to drain.
 * A path is written and closed; a stream given by the caller is left open.
 */
export async function exportTmx(
  store: SegmentStore,
  output: string | Writable,
  filter: ExportFilter = {},
): Promise<ExportSummary> {
  const pair = { from: canonicalRange(filter.from ?? '*'), to: canonicalRange(filter.to ?? '*') };
  const sources = new Set(store.pairs(pair).map((p) => p.from));
  const srclang = sources.size === 1 ? [...sources][0]! : '*all*';
  const stream = typeof output === 'string' ? createWriteStream(output) : output;
  let failure: Error | null = null;
  const onError = (error: Error): void => {
    failure ??= error;
  };
  stream.on('error', onError);

  let pending = '';
  let bytes = 0;
  const emit = async (text: string, force = false): Promise<void> => {
    pending += text;
    if (pending.length < 65_536 && !force) return;
    if (failure !== null) throw failure;
    bytes += Buffer.byteLength(pending);
    const ready = stream.write(pending);
    pending = '';
    // once() rejects if the stream errors while we wait.
    if (!ready) await once(stream, 'drain');
    if (failure !== null) throw failure;
  };

  let segments = 0;
  try {
    await emit(header(srclang));
    for (const segment of store.segments(pair)) {
      await emit(unitXml(segment));
      segments++;
    }
    await emit('  </body>\n</tmx>\n', true);
    // An error already emitted would never be followed by 'finish': do not wait for it then.
    if (typeof output === 'string' && failure === null) {
      stream.end();
      await once(stream, 'finish');
    }
  } finally {
    stream.off('error', onError);
    if (typeof output === 'string' && failure !== null) stream.destroy();
  }
  if (failure !== null) throw failure;
  return { segments, bytes, srclang };
}

let packageVersion: string | undefined;

/** The package's version, read once; `src/` and `dist/` both sit three levels below the root. */
function creationToolVersion(): string {
  packageVersion ??= (
    JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    }
  ).version;
  return packageVersion;
}

function header(srclang: string): string {
  const attributes = {
    creationtool: 'roundtable',
    creationtoolversion: creationToolVersion(),
    segtype: 'sentence',
    'o-tmf': 'roundtable',
    adminlang: 'en',
    srclang,
    datatype: 'plaintext',
  };
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<!DOCTYPE tmx SYSTEM "tmx14.dtd">\n' +
    '<tmx version="1.4">\n' +
    `  <header${attributeList(attributes)}/>\n` +
    '  <body>\n'
  );
}

function unitXml(segment: TmSegment): string {
  const attributes: Record<string, string | null> = {
    tuid: segment.tuid,
    creationdate: segment.creationDate && tmxDate(segment.creationDate),
    creationid: segment.creationId,
    changedate: segment.changeDate && tmxDate(segment.changeDate),
    changeid: segment.changeId,
    srclang: segment.from,
  };
  return (
    `    <tu${attributeList(attributes)}>\n` +
    annotations(segment.notes, segment.props, undefined, '      ') +
    variantXml(segment.from, segment.sourceMarkup, segment, 'source') +
    variantXml(segment.to, segment.targetMarkup, segment, 'target') +
    '    </tu>\n'
  );
}

function variantXml(lang: string, markup: string, segment: TmSegment, at: 'source' | 'target') {
  return (
    `      <tuv xml:lang="${escapeAttribute(lang)}">\n` +
    annotations(segment.notes, segment.props, at, '        ') +
    `        <seg>${markup}</seg>\n` +
    '      </tuv>\n'
  );
}

function annotations(
  notes: readonly TmNote[],
  props: readonly TmProp[],
  at: 'source' | 'target' | undefined,
  indent: string,
): string {
  let xml = '';
  for (const note of notes) {
    if (note.at !== at) continue;
    xml += `${indent}<note${attributeList({ 'xml:lang': note.lang })}>${escapeText(note.value)}</note>\n`;
  }
  for (const prop of props) {
    if (prop.at !== at) continue;
    const attributes = { type: prop.type, 'xml:lang': prop.lang };
    xml += `${indent}<prop${attributeList(attributes)}>${escapeText(prop.value)}</prop>\n`;
  }
  return xml;
}

function attributeList(attributes: Record<string, string | null | undefined>): string {
  let list = '';
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== null && value !== undefined) list += ` ${name}="${escapeAttribute(value)}"`;
  }
  return list;
}
