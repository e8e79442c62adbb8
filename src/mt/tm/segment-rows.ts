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

/** The row for a segment given through the API; TypeError/RangeError for what cannot be stored. */
export function rowFromInput(input: SegmentInput): SegmentRow {
  if (typeof input !== 'object' || input === null) {
    throw new TypeError(
      `a segment must be an object, got ${input === null ? 'null' : typeof input}`,
    );
  }
  const source = side(input.source, input.sourceMarkup, 'source');
  const target = side(input.target, input.targetMarkup, 'target');
  if (source.text.trim() === '') {
    throw new RangeError('segment source has no text to match (blank, or only inline tags)');
  }
  return {
    from: canonicalTag(input.from),
    to: canonicalTag(input.to),
    source: source.text,
    target: target.text,
    sourceMarkup: source.markup,
    targetMarkup: target.markup,
    tuid: input.tuid ?? null,
    creationDate: dateOf(input.creationDate, 'creationDate'),
    creationId: input.creationId ?? null,
    changeDate: dateOf(input.changeDate, 'changeDate'),
    changeId: input.changeId ?? null,
    props: input.props && input.props.length > 0 ? JSON.stringify(input.props) : null,
    notes: input.notes && input.notes.length > 0 ? JSON.stringify(input.notes) : null,
  };
}

function side(
  text: unknown,
  markup: unknown,
  name: 'source' | 'target',
): { text: string; markup: string | null } {
  if (markup !== undefined) {
    if (typeof markup !== 'string') {
      throw new TypeError(`${name}Markup must be a string, got ${typeof markup}`);
    }
    return parseSegMarkup(markup, `${name}Markup`);
  }
  if (typeof text !== 'string') {
    throw new TypeError(
      `segment ${name} must be a string (or give ${name}Markup), got ${typeof text}`,
    );
  }
  const bad = firstNonXmlChar(text);
  if (bad >= 0) {
    const code = text.codePointAt(bad)!.toString(16).padStart(4, '0');
    throw new RangeError(`segment ${name} holds U+${code} at index ${bad}, which XML cannot carry`);
  }
  return { text, markup: null };
}

function dateOf(value: string | Date | undefined, name: string): string | null {
  if (value === undefined) return null;
  const stored = storedDate(value);
  if (stored === null) throw new RangeError(`${name} ${String(value)} is not a date`);
  return stored;
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
