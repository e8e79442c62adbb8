export type {
  AnalysisBandName,
  AnalysisReport,
  AnalysisRow,
  TextSplit,
} from './analysis.js';
export { ANALYSIS_BANDS, formatAnalysisTable } from './analysis.js';
export type { TmxLocation } from './errors.js';
export {
  TmClosedError,
  TmDatabaseError,
  TmxFormatError,
  TmxLimitError,
  TmxParseError,
} from './errors.js';
export type { LookupOptions, LookupTrace } from './fuzzy-lookup.js';
export { canonicalRange, canonicalTag, rangeMatches } from './language-tag.js';
export type {
  SegmentInput,
  SegmentMetadata,
  SourceInput,
  TargetInput,
  TmMatch,
  TmNote,
  TmProp,
  TmSegment,
} from './segment.js';
export type { PairCount } from './segment-store.js';
export { similarity } from './similarity.js';
export type { ExportFilter, ExportSummary } from './tmx-export.js';
export type {
  ImportIssue,
  ImportOptions,
  ImportProgress,
  ImportSource,
  ImportSummary,
} from './tmx-import.js';
export { scoreTokens, wordCount } from './tokenize.js';
export type { AnalyzeOptions, TmStats } from './translation-memory.js';
export { TranslationMemory } from './translation-memory.js';
