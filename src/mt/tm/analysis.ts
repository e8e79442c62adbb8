import { exactKey, wordCount } from './tokenize.js';

/** The rows of an analysis report, in the order CAT tools print them. */
export const ANALYSIS_BANDS = [
  { band: 'repetitions', label: 'Repetitions', min: null },
  { band: '100', label: '100%', min: 100 },
  { band: '95-99', label: '95–99%', min: 95 },
  { band: '85-94', label: '85–94%', min: 85 },
  { band: '75-84', label: '75–84%', min: 75 },
  { band: '50-74', label: '50–74%', min: 50 },
  { band: 'no-match', label: 'No match', min: 0 },
] as const;

export type AnalysisBandName = (typeof ANALYSIS_BANDS)[number]['band'];

export interface AnalysisRow {
  readonly band: AnalysisBandName;
  readonly label: string;
  readonly segments: number;
  readonly words: number;
}

export interface AnalysisReport {
  readonly from: string;
  readonly to: string;
  readonly split: TextSplit;
  readonly segments: number;
  readonly words: number;
  readonly rows: readonly AnalysisRow[];
}

/**
 * How a text becomes segments: `lines` (default) takes each non-blank line, trimmed, as one
 * segment, which suits files that are already segmented; `sentences` cuts each line further with
 * `Intl.Segmenter` (sentence granularity, in the source language).
 */
export type TextSplit = 'lines' | 'sentences';

export function splitText(text: string, split: TextSplit, lang: string): string[] {
  const lines = text
    .split(/\r\n|\r|\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
  if (split === 'lines') return lines;
  const segmenter = new Intl.Segmenter(intlLocale(lang), { granularity: 'sentence' });
  return lines.flatMap((line) =>
    [...segmenter.segment(line)].map((s) => s.segment.trim()).filter((s) => s !== ''),
  );
}

/** The locale for Intl, or the default one for `*` and tags Intl does not take (`x-klingon`). */
function intlLocale(lang: string): string | undefined {
  if (lang === '*') return undefined;
  try {
    return Intl.getCanonicalLocales(lang)[0];
  } catch {
    return undefined;
  }
}

/**
 * Counts the segments and words of a text by best match in the memory. A segment equal (by exact
 * key) to an earlier one in the same text is a repetition and is counted only in that row, as
 * CAT tools count it: it costs nothing once the first is translated. Every other segment falls in
 * the band of its best score (scores are integers), `No match` below 50.
 *
 * @param bestScore the best score of a segment against the memory at min 50, or null for none.
 */
export function analyze(
  segments: readonly string[],
  bestScore: (segment: string) => number | null,
  context: { readonly from: string; readonly to: string; readonly split: TextSplit },
): AnalysisReport {
  const counts = new Map<AnalysisBandName, { segments: number; words: number }>(
    ANALYSIS_BANDS.map(({ band }) => [band, { segments: 0, words: 0 }]),
  );
  const seen = new Set<string>();
  let words = 0;
  for (const segment of segments) {
    const segmentWords = wordCount(segment);
    words += segmentWords;
    const key = exactKey(segment);
    let band: AnalysisBandName;
    if (seen.has(key)) {
      band = 'repetitions';
    } else {
      seen.add(key);
      const score = bestScore(segment) ?? 0;
      band = ANALYSIS_BANDS.find((b) => b.min !== null && score >= b.min)!.band;
    }
    const count = counts.get(band)!;
    count.segments++;
    count.words += segmentWords;
  }
  return {
    ...context,
    segments: segments.length,
    words,
    rows: ANALYSIS_BANDS.map(({ band, label }) => ({ band, label, ...counts.get(band)! })),
  };
}

/** The report as a plain-text table with a total row. */
export function formatAnalysisTable(report: AnalysisReport): string {
  const header = ['Match', 'Segments', 'Words', '% words'];
  const percent = (words: number): string =>
    report.words === 0 ? '0.0' : ((100 * words) / report.words).toFixed(1);
  const body = report.rows.map((row) => [
    row.label,
    String(row.segments),
    String(row.words),
    percent(row.words),
  ]);
  const total = [
    'Total',
    String(report.segments),
    String(report.words),
    report.words ? '100.0' : '0.0',
  ];
  const table = [header, ...body, total];
  const widths = header.map((_, c) => Math.max(...table.map((r) => r[c]!.length)));
  const line = (cells: string[]): string =>
    cells
      .map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!)))
      .join('  ');
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [
    `Analysis ${report.from} → ${report.to}`,
    line(header),
    rule,
    ...body.map(line),
    rule,
    line(total),
  ].join('\n');
}
