import * as args from '../../actor/arguments.js';
import { ArgumentError } from '../../errors.js';
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

/** `hyps` read once into a copy: a non-empty array of strings, or an ArgumentError naming the entry. */
export function hypothesesOf(where: string, hyps: unknown): string[] {
  const copy = args.strings(where, 'hyps', hyps);
  if (copy.length === 0) args.refuse(where, 'hyps', 'a non-empty array of strings', hyps);
  return copy;
}

/**
 * Checks the reference streams against the hypotheses (read once, so what is checked is what is
 * scored) and regroups them by segment.
 */
export function referencesBySegment(
  where: string,
  hyps: readonly string[],
  refs: unknown,
): SegmentReferences {
  const streams = args.list(where, 'refs', refs, 'an array of reference streams', (stream, at) =>
    args.list(
      where,
      at,
      stream,
      'an array of strings (one reference of every segment)',
      (ref, r) => {
        if (ref !== null && ref !== undefined && typeof ref !== 'string')
          args.refuse(where, r, 'a string or null', ref);
        return ref as string | null | undefined;
      },
    ),
  );
  if (streams.length === 0)
    args.refuse(where, 'refs', 'a non-empty array of reference streams', refs);
  streams.forEach((stream, r) => {
    if (stream.length !== hyps.length) {
      throw new ArgumentError(
        `${where}: refs[${r}] has ${stream.length} segments but there are ${hyps.length} hypotheses`,
        `refs[${r}]`,
      );
    }
  });

  const bySegment: string[][] = [];
  const counts = new Set<number>();
  for (let i = 0; i < hyps.length; i++) {
    const segment: string[] = [];
    for (const stream of streams) {
      const ref = stream[i];
      if (typeof ref === 'string') segment.push(ref);
    }
    if (segment.length === 0) {
      throw new ArgumentError(
        `${where}: segment ${i} has no reference: every stream holds null there`,
        'refs',
      );
    }
    counts.add(segment.length);
    bySegment.push(segment);
  }
  const [only] = counts;
  return { bySegment, nrefs: counts.size === 1 && only !== undefined ? only : 'var' };
}
