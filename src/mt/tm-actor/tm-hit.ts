/** What the translation-memory actor answers for one source segment. */
export type TmHit =
  /** A stored segment with this very source: its target is the translation; no model runs. */
  | {
      readonly kind: 'exact';
      readonly source: string;
      readonly target: string;
      readonly score: 100;
    }
  /** The most similar stored segment scoring at least the minimum: a hint for the models. */
  | {
      readonly kind: 'fuzzy';
      readonly source: string;
      readonly target: string;
      readonly score: number;
    }
  | { readonly kind: 'none' };

/** A translation offered to the memory after the models ran. */
export interface TmOffer {
  readonly source: string;
  readonly target: string;
  /** The quality estimate that got it accepted, kept as a TMX prop (`x-qe`). */
  readonly qe?: number;
  /** Who made it, kept as the segment's creation id; default 'roundtable-mt'. */
  readonly creator?: string;
}
