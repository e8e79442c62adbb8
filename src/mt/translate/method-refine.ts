import { TranslationError } from './errors.js';
import type { MethodContext, MethodResult } from './method-context.js';
import type { SharedWork, Tally } from './shared-work.js';
import type { RefineStep } from './translator-types.js';

/**
 * `refine` (`all` false): the first engine's draft, then rounds that each keep the previous output
 * up to its first token QE doubts and re-decode the rest with one engine more than the round
 * before, keeping the new output only if QE rates it higher, until QE reaches the threshold.
 * `refine-ensemble` (`all` true): one such round at most, of every engine.
 */
export async function refine(
  ctx: MethodContext,
  work: SharedWork,
  tally: Tally,
  all: boolean,
): Promise<MethodResult> {
  const o = ctx.options;
  if (!o.qe) throw new TranslationError('translator: the refine method needs a QE model');
  const threshold = o.refine?.threshold ?? -0.25;
  const doubt = o.refine?.tokenThreshold ?? Math.log(0.5);
  let current = ctx.best(tally.decoded(await work.engine(0), 1));
  let qe = (await ctx.qe(work.source, [current], tally))[0]!;
  const steps: RefineStep[] = [
    { engines: [o.engines[0]!], kept: current.length, qe: qe.mean, accepted: true },
  ];
  for (let r = 1; r < (all ? 2 : o.engines.length) && qe.mean < threshold; r++) {
    // Keep what QE trusts: the draft up to its first doubtful token; re-decode from there.
    let kept = qe.tokens.findIndex((logprob) => logprob < doubt);
    if (kept < 0) kept = current.length;
    kept = Math.min(kept, current.length);
    const engines = o.engines.slice(0, all ? o.engines.length : r + 1).map((_, k) => k);
    const result = tally.decoded(
      await ctx.decode(engines, work.source, work.hint, current.slice(0, kept)),
      engines.length,
    );
    const next = [...current.slice(0, kept), ...ctx.best(result)];
    const nextQe = (await ctx.qe(work.source, [next], tally))[0]!;
    const accepted = nextQe.mean > qe.mean;
    steps.push({ engines: engines.map((k) => o.engines[k]!), kept, qe: nextQe.mean, accepted });
    if (accepted) {
      current = next;
      qe = nextQe;
    }
  }
  return { ...ctx.asTranslation(current), qe: qe.mean, rounds: steps.length - 1, steps };
}
