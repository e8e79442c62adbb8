import type { Tokenizer } from '../tokenizer/index.js';

/**
 * How a translation prompt is laid out in token ids, for models that read one window of
 * `[<hint> hint…] <s> source… <sep> target-so-far…` (left-padded) and predict the next target id:
 *
 * - `<s>` begins the source, `<sep>` ends it; what follows `<sep>` is the translation so far
 *   (decode appends it to the prompt);
 * - an optional `<hint>` segment before `<s>` carries a target-language hint (a translation-memory
 *   match, or the previous round's output); models that do not use hints ignore it, since the
 *   source is found from the last `<s>`.
 */
export interface PromptLayout {
  readonly bos: number;
  readonly sep: number;
  readonly hint: number;
  readonly pad: number;
  readonly eos: number;
}

/** The window's parts, as the hint actor and the QE scorer read them. */
export interface PromptParts {
  readonly hint: number[] | undefined;
  readonly source: number[];
  readonly target: number[];
}

/** The layout of a tokenizer whose vocabulary has `<sep>` and `<hint>` entries (names may differ). */
export function promptLayout(
  tokenizer: Tokenizer,
  names: { sep?: string; hint?: string } = {},
): PromptLayout {
  const find = (name: string): number => {
    const id = tokenizer.idOf(name);
    if (id === undefined)
      throw new RangeError(
        `prompt layout: the tokenizer has no entry "${name}" (a translation prompt needs one)`,
      );
    return id;
  };
  return {
    bos: tokenizer.special.bos,
    pad: tokenizer.special.pad,
    eos: tokenizer.special.eos,
    sep: find(names.sep ?? '<sep>'),
    hint: find(names.hint ?? '<hint>'),
  };
}

/** `[<hint> hint…] <s> source… <sep>`. */
export function buildPrompt(
  layout: PromptLayout,
  source: readonly number[],
  hint?: readonly number[],
): number[] {
  const prompt: number[] = [];
  if (hint !== undefined) prompt.push(layout.hint, ...hint);
  prompt.push(layout.bos, ...source, layout.sep);
  return prompt;
}

/** Tokens of one window row without its left padding; `row` is any array of ids. */
export function splitWindow(layout: PromptLayout, row: ArrayLike<number | bigint>): PromptParts {
  let bos = -1;
  let sep = -1;
  let hint = -1;
  for (let i = 0; i < row.length; i++) {
    const id = Number(row[i]);
    if (id === layout.bos) bos = i;
    else if (id === layout.sep) sep = i;
    else if (id === layout.hint) hint = i;
  }
  const slice = (from: number, to: number): number[] => {
    const out: number[] = [];
    for (let i = Math.max(0, from); i < to; i++) out.push(Number(row[i]));
    return out;
  };
  return {
    hint: hint >= 0 && hint < bos ? slice(hint + 1, bos) : undefined,
    source: bos >= 0 && sep > bos ? slice(bos + 1, sep) : [],
    target: sep >= 0 ? slice(sep + 1, row.length) : [],
  };
}

/**
 * The window a model reads to predict target token t (0-based) of `target` after `prompt`: the
 * last `context` ids of prompt + target[0..t), left-padded. Windows for every t of several
 * candidates go to a model in one batch when scoring them (quality estimation).
 */
export function windowsFor(
  prompt: readonly number[],
  target: readonly number[],
  context: number,
  pad: number,
  into: BigInt64Array,
  rowOffset: number,
): void {
  const sequence = [...prompt, ...target];
  for (let t = 0; t <= target.length; t++) {
    const end = prompt.length + t;
    const start = Math.max(0, end - context);
    const base = (rowOffset + t) * context;
    const padding = context - (end - start);
    for (let i = 0; i < padding; i++) into[base + i] = BigInt(pad);
    for (let i = start; i < end; i++) into[base + padding + i - start] = BigInt(sequence[i]!);
  }
}
