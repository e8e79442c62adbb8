import { type PromptLayout, splitWindow } from '../translate/prompt.js';

/** How much a hint raises the logits of the tokens it suggests. */
export interface HintBonus {
  /** For the token the hint says comes next. Default 1. */
  readonly next: number;
  /** For every other hint token not yet written. Default 0.5. */
  readonly unused: number;
}

export const DEFAULT_HINT_BONUS: HintBonus = { next: 1, unused: 0.5 };

/**
 * The next-token logits of a "copy" model that knows nothing but the hint in its window: zero
 * everywhere (no opinion) except a bonus for the hint token that should come next and a smaller
 * one for the hint tokens not used yet. Without a hint the row is all zeros, which log-linear
 * fusion ignores (a constant row is a uniform distribution).
 *
 * Which hint token comes next: after the last token written, if the hint holds it (the
 * occurrence closest to the same position), the hint token that follows it; otherwise the hint
 * token at the same position. Following the hint from its last agreement keeps the suggestion
 * aligned when the translation has a word more or less than the hint.
 */
export function hintLogits(
  layout: PromptLayout,
  window: ArrayLike<bigint | number>,
  context: number,
  vocab: number,
  bonus: HintBonus,
  out: Float32Array,
): void {
  const rows = window.length / context;
  out.fill(0);
  for (let r = 0; r < rows; r++) {
    const row = sliceRow(window, r * context, context);
    const { hint, target } = splitWindow(layout, row);
    if (!hint || hint.length === 0) continue;
    const base = r * vocab;
    const remaining = new Map<number, number>();
    for (const id of hint) remaining.set(id, (remaining.get(id) ?? 0) + 1);
    for (const id of target) {
      const left = remaining.get(id);
      if (left !== undefined) remaining.set(id, left - 1);
    }
    for (const [id, left] of remaining) if (left > 0 && id < vocab) out[base + id] = bonus.unused;
    const next = nextHintToken(hint, target, layout.eos);
    if (next < vocab) out[base + next] = bonus.next;
  }
}

function nextHintToken(hint: readonly number[], target: readonly number[], eos: number): number {
  const t = target.length;
  if (t > 0) {
    const last = target[t - 1]!;
    let best = -1;
    for (let j = 0; j < hint.length; j++) {
      if (hint[j] === last && (best < 0 || Math.abs(j - (t - 1)) < Math.abs(best - (t - 1))))
        best = j;
    }
    if (best >= 0) return best + 1 < hint.length ? hint[best + 1]! : eos;
  }
  return t < hint.length ? hint[t]! : eos;
}

function sliceRow(
  window: ArrayLike<bigint | number>,
  start: number,
  length: number,
): (bigint | number)[] {
  const row: (bigint | number)[] = new Array(length);
  for (let i = 0; i < length; i++) row[i] = window[start + i]!;
  return row;
}
