import type { DecoderActor } from '../engines/decoder/decoder-actor.js';
import type { SequenceHandle } from '../engines/decoder/decoder-types.js';
import { seededRandom } from '../util/mulberry32.js';
import { type AdaptiveKState, nextK, startK } from './adaptive-k.js';
import type { GeneratedSequence } from './generate.js';
import {
  type AcceptanceRule,
  argmax,
  bestAcceptance,
  type Distribution,
  draw,
  greedyAcceptance,
  probabilities,
  samplingAcceptance,
} from './speculative-acceptance.js';
import { checkOptions, type SpeculativeOptions } from './speculative-options.js';

export type { SpeculativeOptions };

/** What a speculative generation did, returned with its result. */
export interface SpeculativeTrace {
  /** Rounds: one verifying call of the target each (plus the open). */
  readonly rounds: number;
  /** Tokens the draft proposed, and how many of them the target kept. */
  readonly proposed: number;
  readonly accepted: number;
  /** Accepted over judged: the target judges proposals in order up to the first it rejects. */
  readonly acceptanceRate: number;
  /** k of each round, in order. */
  readonly ks: readonly number[];
  /** Runs of each decoder's model, the open included (a target run is a call). */
  readonly targetSteps: number;
  readonly draftSteps: number;
  /** Messages to the draft, the open included: one per round at most. */
  readonly draftCalls: number;
  /** Generated tokens per target call: the speed-up over the target alone were the draft free. */
  readonly tokensPerTargetCall: number;
  /**
   * Where the time went, in milliseconds on the caller's clock: the whole generation, and the
   * time it waited on each decoder's answers (the opens, which run side by side, count as the
   * target's). The rest is the caller's own work: choosing, judging, bookkeeping.
   */
  readonly ms: { readonly total: number; readonly draft: number; readonly target: number };
}

export interface SpeculativeResult extends GeneratedSequence {
  readonly trace: SpeculativeTrace;
}

/**
 * Speculative decoding: the draft proposes k tokens from its own cached state, the target scores
 * all k in one step over its cache (`positions: 'all'`) and keeps the longest prefix its rule
 * accepts plus one token of its own; both rewind what was rejected. Greedy gives the target's own
 * greedy output; sampling gives the target's distribution (speculative-acceptance.ts).
 *
 * Each round asks each decoder once. The draft's message drops what it proposed and the target
 * rejected, feeds what the draft has not seen, and chooses k proposals in its worker
 * (`propose`); the target's message drops the proposals it rejected last round and scores the
 * new ones (`step` with `rewind`). Greedy asks the target for its best token at each position
 * only (`topK: 1`), not whole distributions. `rule` replaces the acceptance rule (the sampling
 * test shows a wrong one is caught).
 */
export async function speculate(
  draft: DecoderActor,
  target: DecoderActor,
  prompt: readonly number[],
  options: SpeculativeOptions = {},
  rule?: AcceptanceRule,
): Promise<SpeculativeResult> {
  const started = performance.now();
  const settings = checkOptions(draft, target, prompt, options);
  const { maxLength, limits, temperature } = settings;
  const random = options.sampling ? seededRandom(options.sampling.seed) : undefined;
  const judge = rule ?? (random ? samplingAcceptance(temperature, random) : greedyAcceptance);
  /** Greedy with its own rule needs the target's best token at each position, nothing more. */
  const bestOnly = rule === undefined && random === undefined;
  const wantRows = !bestOnly;
  const choose = (q: Distribution, uniform: number | undefined): number =>
    uniform === undefined ? argmax(q) : draw(probabilities(q, temperature), () => uniform)!;

  const ids = [...prompt];
  let logprob = 0;
  let adaptive: AdaptiveKState = startK(settings.k, limits);
  const counts = {
    rounds: 0,
    proposed: 0,
    accepted: 0,
    judged: 0,
    targetSteps: 0,
    draftSteps: 0,
    draftCalls: 0,
  };
  const waited = { draft: 0, target: 0 };
  /** Time of one draft step and of one verifying call, for k by cost (greedy only). */
  const costs = { draft: new DecayedMean(), target: new DecayedMean() };
  const measuredCost = () =>
    costs.draft.value !== undefined && costs.target.value
      ? costs.draft.value / costs.target.value
      : undefined;
  const ks: number[] = [];
  /** Runs a decoder call, sending included, adding its time to what the generation waited on that decoder. */
  const timed = async <T>(
    which: 'draft' | 'target',
    call: () => Promise<T>,
  ): Promise<T & { ms: number }> => {
    const start = performance.now();
    const result = await call();
    const ms = performance.now() - start;
    waited[which] += ms;
    return { ...result, ms };
  };
  /** The sequences opened, closed at the end whatever happens (any generation closes one). */
  const opened: { draft?: SequenceHandle; target?: SequenceHandle } = {};
  try {
    const openStart = performance.now();
    const [draftOpen, targetOpen] = await Promise.all([
      draft.open(prompt).then((step) => {
        opened.draft = step.sequence;
        return step;
      }),
      target.open(prompt, bestOnly ? { topK: 1 } : {}).then((step) => {
        opened.target = step.sequence;
        return step;
      }),
    ]);
    // The opens ran side by side: their time goes to the target, whose prefill is the longer.
    waited.target += performance.now() - openStart;
    let draftHandle = draftOpen.sequence;
    let targetHandle = targetOpen.sequence;
    counts.draftSteps++;
    counts.draftCalls++;
    counts.targetSteps++;
    /** The draft's distribution after the prompt: the first round's first proposal comes from it. */
    const draftFirst = draftOpen.logprobs!;
    /** The target's answer for the next token while nothing waits to be fed to it (the open's). */
    let targetNext: TargetRows | undefined = bestOnly
      ? { ids: [...targetOpen.topIds!], logprobs: [...targetOpen.topLogprobs!] }
      : { rows: [targetOpen.logprobs!] };
    /** How many of `ids` each cache holds; the rest waits to be fed with the next call. */
    let draftFed = prompt.length;
    let targetFed = prompt.length;
    /** Proposals each decoder holds that the target rejected: dropped with its next call. */
    let draftRewind = 0;
    let targetRewind = 0;

    /** Proposals of the next round: k, within the room left (the target adds one token itself). */
    const roundK = () =>
      Math.min(settings.adaptive ? adaptive.k : settings.k, maxLength - ids.length - 1);
    for (;;) {
      const k = roundK();
      const uniforms = random ? Array.from({ length: k }, () => random()) : undefined;
      const proposals: number[] = [];
      const draftRows: Distribution[] = [];
      let pending = ids.slice(draftFed);
      if (k > 0 && pending.length === 0) {
        // First round: the open answered the distribution the first proposal comes from.
        proposals.push(choose(draftFirst, uniforms?.[0]));
        if (wantRows) draftRows.push(draftFirst);
        pending = [proposals[0]!];
      }
      const more = k - proposals.length;
      if (more > 0) {
        const proposal = await timed('draft', () =>
          draft.propose(draftHandle, pending, {
            count: more,
            rewind: draftRewind,
            distributions: wantRows,
            ...(uniforms ? { sampling: { uniforms: uniforms.slice(k - more), temperature } } : {}),
          }),
        );
        counts.draftCalls++;
        // It fed `pending` and all its proposals but the last.
        counts.draftSteps += more;
        draftHandle = proposal.sequence;
        proposals.push(...proposal.tokens);
        if (wantRows) {
          for (let j = 0; j < more; j++) {
            draftRows.push(proposal.logprobs!.subarray(j * draft.vocab, (j + 1) * draft.vocab));
          }
        }
        draftFed = ids.length;
        draftRewind = 0;
        costs.draft = costs.draft.add(proposal.ms / more);
      }
      const feed = [...ids.slice(targetFed), ...proposals];
      let answered: TargetRows =
        targetNext ?? (bestOnly ? { ids: [], logprobs: [] } : { rows: [] });
      if (feed.length > 0) {
        const step = await timed('target', () =>
          target.step(targetHandle, [feed], {
            positions: 'all',
            ...(targetRewind > 0 ? { rewind: targetRewind } : {}),
            ...(bestOnly ? { topK: 1 } : {}),
          }),
        );
        counts.targetSteps++;
        costs.target = costs.target.add(step.ms);
        targetHandle = step.sequence;
        targetRewind = 0;
        answered = append(answered, step, target.vocab);
      }
      // The answers before any waiting token are no longer wanted: one per proposal, and one after.
      const rows = lastRows(answered, k + 1);
      const verdict =
        'ids' in rows
          ? bestAcceptance(proposals, rows.ids)
          : judge(proposals, draftRows, rows.rows);
      const emitted = [...proposals.slice(0, verdict.accepted), verdict.token];

      counts.rounds++;
      counts.proposed += k;
      counts.accepted += verdict.accepted;
      counts.judged += verdict.accepted + (verdict.accepted < k ? 1 : 0);
      ks.push(k);
      adaptive = nextK(
        adaptive,
        { proposed: k, accepted: verdict.accepted },
        limits,
        settings.byCost ? measuredCost() : undefined,
      );

      let done = false;
      for (let j = 0; j < emitted.length && !done; j++) {
        const token = emitted[j]!;
        ids.push(token);
        logprob += 'ids' in rows ? rows.logprobs[j]! : rows.rows[j]![token]!;
        done = settings.eos.has(token) || ids.length >= maxLength;
      }
      if (done) break;

      // The target holds the waiting token and all k proposals; it keeps the accepted ones.
      targetFed += feed.length - (k - verdict.accepted);
      targetRewind = k - verdict.accepted;
      targetNext = undefined;
      // The draft holds the first k − 1 proposals (the last it never fed itself): it keeps the
      // accepted ones and takes in the rest of what was emitted with its next call.
      const fed = Math.max(0, k - 1);
      const kept = Math.min(verdict.accepted, fed);
      draftFed = ids.length - emitted.length + kept;
      draftRewind = fed - kept;
    }
  } finally {
    await Promise.all([
      opened.draft ? draft.closeSequence(opened.draft) : undefined,
      opened.target ? target.closeSequence(opened.target) : undefined,
    ]);
  }
  const generated = ids.length - prompt.length;
  return {
    ids,
    logprob,
    score: logprob,
    trace: {
      rounds: counts.rounds,
      proposed: counts.proposed,
      accepted: counts.accepted,
      acceptanceRate: counts.judged === 0 ? 0 : counts.accepted / counts.judged,
      ks,
      targetSteps: counts.targetSteps,
      draftSteps: counts.draftSteps,
      tokensPerTargetCall: generated / counts.targetSteps,
      draftCalls: counts.draftCalls,
      ms: {
        total: performance.now() - started,
        draft: waited.draft,
        target: waited.target,
      },
    },
  };
}

/** The target's answers at consecutive positions: whole distributions, or (greedy) its best tokens. */
type TargetRows =
  | { readonly ids: number[]; readonly logprobs: number[] }
  | { readonly rows: Distribution[] };

function append(
  answered: TargetRows,
  step: {
    readonly logprobs?: Float32Array;
    readonly topIds?: Int32Array;
    readonly topLogprobs?: Float32Array;
  },
  vocab: number,
): TargetRows {
  if ('ids' in answered) {
    return {
      ids: [...answered.ids, ...step.topIds!],
      logprobs: [...answered.logprobs, ...step.topLogprobs!],
    };
  }
  const rows = [...answered.rows];
  const all = step.logprobs!;
  for (let at = 0; at < all.length; at += vocab) rows.push(all.subarray(at, at + vocab));
  return { rows };
}

function lastRows(answered: TargetRows, count: number): TargetRows {
  if ('ids' in answered) {
    return { ids: answered.ids.slice(-count), logprobs: answered.logprobs.slice(-count) };
  }
  return { rows: answered.rows.slice(-count) };
}

/** A mean of the recent values, older ones weighing less (each new value multiplies them by 0.7). */
class DecayedMean {
  constructor(
    readonly sum = 0,
    readonly weight = 0,
  ) {}

  get value(): number | undefined {
    return this.weight > 0 ? this.sum / this.weight : undefined;
  }

  add(value: number): DecayedMean {
    return new DecayedMean(0.7 * this.sum + value, 0.7 * this.weight + 1);
  }
}
