/**
 * References as the caller gives them, one stream per reference translation: `refs[r][i]` is
 * reference r of segment i, as in sacreBLEU. A `null` (or `undefined`) entry means segment i has
 * no reference in stream r, which lets segments have different numbers of references.
 */
export type ReferenceStreams = ReadonlyArray<ReadonlyArray<string | null | undefined>>;

/** The references regrouped by segment, and the `nrefs` the signature reports. */
export interface SegmentReferences {
  readonly bySegment: readonly (readonly string[])[];
  /** The number of references of every segment, or 'var' when segments differ. */
  readonly nrefs: number | 'var';
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'string') return `the string ${JSON.stringify(value.slice(0, 40))}`;
  return typeof value;
}

/** Checks that `hyps` is a non-empty array of strings. */
export function checkHypotheses(hyps: unknown): asserts hyps is readonly string[] {
  if (!Array.isArray(hyps))
    throw new TypeError(`hyps must be an array of strings, got ${describe(hyps)}`);
  if (hyps.length === 0) throw new RangeError('hyps must hold at least one segment, got none');
  hyps.forEach((hyp, i) => {
    if (typeof hyp !== 'string') {
      throw new TypeError(`hyps[${i}] must be a string, got ${describe(hyp)}`);
    }
  });
}

/** Checks the reference streams against the hypotheses and regroups them by segment. */
export function referencesBySegment(
  hyps: readonly string[],
  refs: ReferenceStreams,
): SegmentReferences {
  if (!Array.isArray(refs)) {
    throw new TypeError(`refs must be an array of reference streams, got ${describe(refs)}`);
  }
  if (refs.length === 0)
    throw new RangeError('refs must hold at least one reference stream, got none');
  refs.forEach((stream, r) => {
    if (!Array.isArray(stream)) {
      throw new TypeError(
        `refs[${r}] must be an array of strings (reference ${r} of every segment), got ${describe(stream)}`,
      );
    }
    if (stream.length !== hyps.length) {
      throw new RangeError(
        `refs[${r}] has ${stream.length} segments but there are ${hyps.length} hypotheses`,
      );
    }
  });

  const bySegment: string[][] = [];
  const counts = new Set<number>();
  for (let i = 0; i < hyps.length; i++) {
    const segment: string[] = [];
    refs.forEach((stream, r) => {
      const ref = stream[i];
      if (typeof ref === 'string') segment.push(ref);
      else if (ref !== null && ref !== undefined) {
        throw new TypeError(`refs[${r}][${i}] must be a string or null, got ${describe(ref)}`);
      }
    });
    if (segment.length === 0) {
      throw new RangeError(`segment ${i} has no reference: every stream holds null there`);
    }
    counts.add(segment.length);
    bySegment.push(segment);
  }
  const [only] = counts;
  return { bySegment, nrefs: counts.size === 1 && only !== undefined ? only : 'var' };
}
