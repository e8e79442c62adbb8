import { mbrSelect } from '../mbr/mbr.js';
import type { MethodContext, MethodResult } from './method-context.js';
import { type SharedWork, stripEnd, type Tally } from './shared-work.js';

interface Candidate {
  readonly tokens: readonly number[];
  readonly text: string;
  /** Weight as a pseudo-reference in MBR. */
  readonly evidence: number;
}

/** `rerank`: of the distinct candidates, the one the QE model rates best. */
export async function rerank(
  ctx: MethodContext,
  work: SharedWork,
  tally: Tally,
): Promise<MethodResult> {
  const candidates = distinct(await nBest(ctx, work, tally));
  const scores = await ctx.qe(
    work.source,
    candidates.map((c) => c.tokens),
    tally,
  );
  let top = 0;
  for (let i = 1; i < scores.length; i++) if (scores[i]!.mean > scores[top]!.mean) top = i;
  return { ...ctx.asTranslation(candidates[top]!.tokens), qe: scores[top]!.mean };
}

/**
 * `mbr`: the candidate with the highest expected chrF against the others, each weighted by its
 * evidence; on the translator's MBR pool when it has one, else on the caller.
 */
export async function mbr(
  ctx: MethodContext,
  work: SharedWork,
  tally: Tally,
): Promise<MethodResult> {
  const candidates = await nBest(ctx, work, tally);
  const texts = candidates.map((c) => c.text);
  const weights = candidates.map((c) => c.evidence);
  const pool = ctx.options.mbrPool;
  const { index } = pool ? await pool.select(texts, { weights }) : mbrSelect(texts, { weights });
  return ctx.asTranslation(candidates[index]!.tokens);
}

/**
 * Every engine's n-best list and the ensemble's, in that order, each candidate with how much
 * evidence it is for MBR: its posterior within its list (softmax of the hypotheses' summed
 * log-probabilities), times the list's share — engine k's fusion weight for its own list (the
 * engines' shares add up to 1), and 1 for the ensemble's list.
 */
async function nBest(ctx: MethodContext, work: SharedWork, tally: Tally): Promise<Candidate[]> {
  const k = ctx.options.engines.length;
  const results = await Promise.all([
    ...ctx.options.engines.map((_, e) => work.engine(e)),
    work.ensemble(),
  ]);
  results.forEach((result, list) => tally.decoded(result, list < k ? 1 : k));
  const total = ctx.weights.reduce((a, b) => a + b, 0);
  return results.flatMap((result, list) => {
    const share = list < k ? ctx.weights[list]! / total : 1;
    const top = Math.max(...result.hypotheses.map((h) => h.logprob));
    const mass = result.hypotheses.reduce((sum, h) => sum + Math.exp(h.logprob - top), 0);
    return result.hypotheses.map((h) => {
      const tokens = stripEnd(h.tokens, ctx.options.layout.eos);
      return {
        tokens,
        text: ctx.options.tokenizer.decode(tokens),
        evidence: (share * Math.exp(h.logprob - top)) / mass,
      };
    });
  });
}

/** The candidates without repeats (the same tokens from several lists), first kept. */
function distinct(candidates: readonly Candidate[]): Candidate[] {
  const seen = new Set<string>();
  return candidates.filter((c) => {
    const key = c.tokens.join(' ');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
