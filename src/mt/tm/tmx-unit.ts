/** What the TMX reader hands on for each `<tu>`: the file's content, not yet made into segments. */

export interface TmxProp {
  readonly type: string;
  readonly value: string;
  readonly lang?: string;
}

export interface TmxNote {
  readonly value: string;
  readonly lang?: string;
}

export interface TmxVariant {
  /** The `xml:lang` as written (TMX 1.1's `lang` accepted), or null when missing. */
  readonly lang: string | null;
  readonly attributes: Readonly<Record<string, string>>;
  readonly props: readonly TmxProp[];
  readonly notes: readonly TmxNote[];
  /** Plain text for matching; null when the `<tuv>` had no `<seg>`. */
  readonly text: string | null;
  readonly markup: string | null;
  /** Why the variant cannot be stored (e.g. an unknown inline element), or null. */
  readonly problem: string | null;
}

export interface TmxUnit {
  /** One-based line of the `<tu>` start tag. */
  readonly line: number;
  readonly attributes: Readonly<Record<string, string>>;
  readonly props: readonly TmxProp[];
  readonly notes: readonly TmxNote[];
  readonly variants: readonly TmxVariant[];
}

export interface TmxHeader {
  readonly attributes: Readonly<Record<string, string>>;
}
