import * as args from '../../actor/arguments.js';
import { ArgumentError } from '../../errors.js';
import { canonicalTag, rangeMatches } from './language-tag.js';
import { parseSegMarkup } from './seg-markup.js';
import type { SegmentInput, TmNote, TmProp } from './segment.js';
import type { SegmentRow } from './segment-store.js';
import { storedDate } from './tmx-date.js';
import type { TmxUnit, TmxVariant } from './tmx-unit.js';
import { firstNonXmlChar } from './xml-escape.js';

/** Something in a TMX file that was not imported, and why. */
export interface ImportIssue {
  readonly line: number;
  readonly reason: string;
}

const INPUT_KEYS = [
  'from',
  'to',
  'source',
  'target',
  'sourceMarkup',
  'targetMarkup',
  'tuid',
  'creationDate',
  'creationId',
  'changeDate',
  'changeId',
  'props',
  'notes',
] as const;

/**
 * The row for a segment given through the API, its fields read once; an ArgumentError naming the
 * field (`segment.source`, `segments[3].from`) for what cannot be stored.
 */
export function rowFromInput(given: SegmentInput, argument = 'segment'): SegmentRow {
  const where = 'translation memory';
  const input = args.optionsCopy(where, argument, given, INPUT_KEYS) as Record<
    (typeof INPUT_KEYS)[number],
    unknown
  >;
  const source = side(input.source, input.sourceMarkup, 'source', argument);
  const target = side(input.target, input.targetMarkup, 'target', argument);
  if (source.text.trim() === '') {
    throw new ArgumentError(
      `${argument}: segment source has no text to match (blank, or only inline tags)`,
      `${argument}.source`,
    );
  }
  const optional = (key: 'tuid' | 'creationId' | 'changeId') =>
    args.optionalString(where, `${argument}.${key}`, input[key]) ?? null;
  return {
    from: canonicalTag(input.from as string, `${argument}.from`),
    to: canonicalTag(input.to as string, `${argument}.to`),
    source: source.text,
    target: target.text,
    sourceMarkup: source.markup,
    targetMarkup: target.markup,
    tuid: optional('tuid'),
    creationDate: dateOf(input.creationDate, `${argument}.creationDate`),
    creationId: optional('creationId'),
    changeDate: dateOf(input.changeDate, `${argument}.changeDate`),
    changeId: optional('changeId'),
    props: metadataJson(where, `${argument}.props`, input.props, ['type', 'value']),
    notes: metadataJson(where, `${argument}.notes`, input.notes, ['value']),
  };
}

/** Props or notes as the JSON the store keeps: strings where strings belong, `at` a side. */
function metadataJson(
  where: string,
  argument: string,
  value: unknown,
  required: readonly string[],
): string | null {
  if (value === undefined) return null;
  const entries = args.list(where, argument, value, 'an array', (entry, at) => {
    const o = args.optionsCopy(where, at, entry, ['type', 'value', 'lang', 'at']);
    for (const key of ['type', 'value', 'lang'] as const) {
      if (required.includes(key) || o[key] !== undefined) args.text(where, `${at}.${key}`, o[key]);
    }
    args.optionalOneOf(where, `${at}.at`, o.at, ['source', 'target']);
    return o;
  });
  return entries.length > 0 ? JSON.stringify(entries) : null;
}

function side(
  text: unknown,
  markup: unknown,
  name: 'source' | 'target',
  argument: string,
): { text: string; markup: string | null } {
  if (markup !== undefined) {
    if (typeof markup !== 'string')
      args.refuse('translation memory', `${argument}.${name}Markup`, 'a string', markup);
    return parseSegMarkup(markup, `${argument}.${name}Markup`);
  }
  if (typeof text !== 'string')
    args.refuse(
      'translation memory',
      `${argument}.${name}`,
      `a string (or give ${name}Markup)`,
      text,
    );
  const bad = firstNonXmlChar(text);
  if (bad >= 0) {
    const code = text.codePointAt(bad)!.toString(16).padStart(4, '0');
    throw new ArgumentError(
      `${argument}: segment ${name} holds U+${code} at index ${bad}, which XML cannot carry`,
      `${argument}.${name}`,
    );
  }
  return { text, markup: null };
}

function dateOf(value: unknown, argument: string): string | null {
  if (value === undefined) return null;
  if (typeof value !== 'string' && !(value instanceof Date))
    args.refuse('translation memory', argument, 'a date (an ISO 8601 string or a Date)', value);
  const stored = storedDate(value);
  if (stored === null)
    throw new ArgumentError(`${argument} ${describeDate(value)} is not a date`, argument);
  return stored;
}

function describeDate(value: string | Date): string {
  return typeof value === 'string' ? JSON.stringify(value.slice(0, 40)) : 'an invalid Date';
}

/** What one `<tu>` gave: the rows to store, and how many pairs it could not give. */
export interface UnitRows {
  readonly rows: SegmentRow[];
  readonly skipped: number;
}

interface UsableVariant {
  readonly lang: string;
  readonly variant: TmxVariant;
  readonly text: string;
}

/**
 * The segments of one `<tu>`.
 *
 * The source variant is the one whose language is the TU's `srclang` (else the header's): equal
 * after canonicalisation first, else related by range (`en` ~ `en-US`), else the first `<tuv>`.
 * Each other variant makes one (source, variant) segment, so a TU in n languages gives n − 1
 * segments. With `srclang="*all*"` every variant is a source in turn: n·(n − 1) segments, one for
 * each ordered pair, since such a file declares no direction. Variants in the source's own
 * language, without `xml:lang` or `<seg>`, or with a non-TMX inline element are left out and
 * reported; a pair whose source has no text, or whose target has neither text nor tags, too.
 *
 * Dates and ids come from the `<tu>`, else from the target `<tuv>`, else from the source `<tuv>`.
 */
export function rowsFromUnit(
  unit: TmxUnit,
  headerSource: string | null,
  report: (issue: ImportIssue) => void,
): UnitRows {
  const line = unit.line;
  const usable: UsableVariant[] = [];
  for (const variant of unit.variants) {
    const reason = variantProblem(variant);
    if (reason !== null) {
      report({ line, reason });
      continue;
    }
    try {
      usable.push({ lang: canonicalTag(variant.lang!), variant, text: variant.text! });
    } catch {
      report({ line, reason: `<tuv xml:lang="${variant.lang}"> is not a BCP 47 language tag` });
    }
  }
  if (usable.length < 2) {
    report({ line, reason: `<tu> has ${usable.length} usable <tuv>, a segment needs 2` });
    return { rows: [], skipped: 1 };
  }
  const declared = unit.attributes.srclang ?? headerSource;
  const sources =
    declared !== null && declared.toLowerCase() === '*all*'
      ? usable
      : [pickSource(usable, declared, line, report)];
  const rows: SegmentRow[] = [];
  let skipped = 0;
  for (const source of sources) {
    for (const target of usable) {
      if (target === source) continue;
      if (target.lang === source.lang) {
        report({ line, reason: `<tuv> in ${target.lang}, the source's own language, left out` });
        skipped++;
      } else if (source.text.trim() === '') {
        report({ line, reason: `source <seg> in ${source.lang} has no text to match` });
        skipped++;
      } else if (target.text === '' && target.variant.markup === null) {
        report({ line, reason: `target <seg> in ${target.lang} is empty` });
        skipped++;
      } else {
        rows.push(pairRow(unit, source, target, report));
      }
    }
  }
  return { rows, skipped };
}

function variantProblem(variant: TmxVariant): string | null {
  if (variant.lang === null) return '<tuv> without xml:lang left out';
  if (variant.text === null) return `<tuv xml:lang="${variant.lang}"> without <seg> left out`;
  if (variant.problem !== null)
    return `<tuv xml:lang="${variant.lang}"> left out: ${variant.problem}`;
  return null;
}

function pickSource(
  usable: readonly UsableVariant[],
  declared: string | null,
  line: number,
  report: (issue: ImportIssue) => void,
): UsableVariant {
  if (declared === null) return usable[0]!;
  let wanted: string;
  try {
    wanted = canonicalTag(declared);
  } catch {
    report({
      line,
      reason: `srclang "${declared}" is not a language tag; first <tuv> is the source`,
    });
    return usable[0]!;
  }
  return (
    usable.find((v) => v.lang === wanted) ??
    usable.find((v) => rangeMatches(wanted, v.lang) || rangeMatches(v.lang, wanted)) ??
    usable[0]!
  );
}

function pairRow(
  unit: TmxUnit,
  source: UsableVariant,
  target: UsableVariant,
  report: (issue: ImportIssue) => void,
): SegmentRow {
  const attribute = (name: string): string | null =>
    unit.attributes[name] ??
    target.variant.attributes[name] ??
    source.variant.attributes[name] ??
    null;
  const date = (name: string): string | null => {
    const raw = attribute(name);
    if (raw === null) return null;
    const stored = storedDate(raw);
    if (stored === null)
      report({ line: unit.line, reason: `${name}="${raw}" is not a date, left out` });
    return stored;
  };
  const props: TmProp[] = [
    ...unit.props,
    ...source.variant.props.map((p) => ({ ...p, at: 'source' as const })),
    ...target.variant.props.map((p) => ({ ...p, at: 'target' as const })),
  ];
  const notes: TmNote[] = [
    ...unit.notes,
    ...source.variant.notes.map((n) => ({ ...n, at: 'source' as const })),
    ...target.variant.notes.map((n) => ({ ...n, at: 'target' as const })),
  ];
  return {
    from: source.lang,
    to: target.lang,
    source: source.text,
    target: target.text,
    sourceMarkup: source.variant.markup,
    targetMarkup: target.variant.markup,
    tuid: unit.attributes.tuid ?? null,
    creationDate: date('creationdate'),
    creationId: attribute('creationid'),
    changeDate: date('changedate'),
    changeId: attribute('changeid'),
    props: props.length > 0 ? JSON.stringify(props) : null,
    notes: notes.length > 0 ? JSON.stringify(notes) : null,
  };
}
