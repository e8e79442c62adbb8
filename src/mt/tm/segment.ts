/** The shapes of translation-memory segments as the public API sees them. */

/** A TMX `<prop>`; `at` says which `<tuv>` it came from when it was not on the `<tu>`. */
export interface TmProp {
  readonly type: string;
  readonly value: string;
  readonly lang?: string;
  readonly at?: 'source' | 'target';
}

/** A TMX `<note>`; `at` as for {@link TmProp}. */
export interface TmNote {
  readonly value: string;
  readonly lang?: string;
  readonly at?: 'source' | 'target';
}

/** Metadata of a segment, as TMX carries it on `<tu>`. Dates are ISO 8601 strings or Dates. */
export interface SegmentMetadata {
  readonly tuid?: string;
  readonly creationDate?: string | Date;
  readonly creationId?: string;
  readonly changeDate?: string | Date;
  readonly changeId?: string;
  readonly props?: readonly TmProp[];
  readonly notes?: readonly TmNote[];
}

/** The source side: plain text, or TMX inline markup (the content of a `<seg>`), not both. */
export type SourceInput =
  | { readonly source: string; readonly sourceMarkup?: never }
  | { readonly sourceMarkup: string; readonly source?: never };

/** The target side, as {@link SourceInput}. */
export type TargetInput =
  | { readonly target: string; readonly targetMarkup?: never }
  | { readonly targetMarkup: string; readonly target?: never };

/** A segment to add: language tags, both sides, and optional metadata. */
export type SegmentInput = {
  readonly from: string;
  readonly to: string;
} & SourceInput &
  TargetInput &
  SegmentMetadata;

/** A stored segment. Languages are canonical tags; markup is always present (escaped text when
 * the segment has no inline tags); dates are ISO 8601 UTC strings. */
export interface TmSegment {
  readonly id: number;
  readonly from: string;
  readonly to: string;
  readonly source: string;
  readonly target: string;
  readonly sourceMarkup: string;
  readonly targetMarkup: string;
  readonly tuid: string | null;
  readonly creationDate: string | null;
  readonly creationId: string | null;
  readonly changeDate: string | null;
  readonly changeId: string | null;
  readonly props: readonly TmProp[];
  readonly notes: readonly TmNote[];
}

/** A lookup result: a segment and its score (100 exact, below 100 fuzzy). */
export interface TmMatch extends TmSegment {
  readonly score: number;
}
