import type { DecoderActor, SequenceHandle } from '../engines/decoder/decoder-actor.js';
import { seededRandom } from '../util/mulberry32.js';
import { type AdaptiveKState, nextK, startK } from './adaptive-k.js';
import type { GeneratedSequence } from './generate.js';
import {
  type AcceptanceRule,
  argmax,
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
  /** Calls to each decoder, the open included. */
  readonly targetSteps: number;
  readonly draftSteps: number;
  /** Generated tokens per target call: the speed-up over the target alone were the draft free. */
  readonly tokensPerTargetCall: number;
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
 * A token the target chose is fed to it with the next round's proposals, and a draft's last
 * proposal, when kept, with its next catch-up: neither costs a call of its own. `rule` replaces
 * the acceptance rule (the sampling test shows a wrong one is caught).
 */
export async function speculate(
  draft: DecoderActor,
  target: DecoderActor,
  prompt: readonly number[],
  options: SpeculativeOptions = {},
  rule?: AcceptanceRule,
): Promise<SpeculativeResult> {
  const settings = checkOptions(draft, target, prompt, options);
  const { maxLength, limits, temperature } = settings;
  const random = options.sampling ? seededRandom(options.sampling.seed) : undefined;
  const judge = rule ?? (random ? samplingAcceptance(temperature, random) : greedyAcceptance);
  const propose = (q: Distribution): number =>
    random ? draw(probabilities(q, temperature), random)! : argmax(q);

  const ids = [...prompt];
  let logprob = 0;
  let adaptive: AdaptiveKState = startK(settings.k, limits);
  const counts = { rounds: 0, proposed: 0, accepted: 0, judged: 0, targetSteps: 0, draftSteps: 0 };
  const ks: number[] = [];
  /** The sequences opened, closed at the end whatever happens (any generation closes one). */
  const opened: { draft?: SequenceHandle; target?: SequenceHandle } = {};
  try {
    const [draftOpen, targetOpen] = await Promise.all([
      draft.open(prompt).then((step) => {
        opened.draft = step.sequence;
        return step;
      }),
      target.open(prompt).then((step) => {
        opened.target = step.sequence;
        return step;
      }),
    ]);
    let draftHandle = draftOpen.sequence;
    let targetHandle = targetOpen.sequence;
    counts.draftSteps++;
    counts.targetSteps++;
    let draftNext = draftOpen.logprobs!;
    /** The target's distribution for the next token while nothing waits to be fed to it. */
    let targetNext: Distribution | undefined = targetOpen.logprobs!;
    /** How many of `ids` each cache holds; the rest waits to be fed with the next call. */
    let draftFed = prompt.length;
    let targetFed = prompt.length;

    /** Proposals of the next round: k, within the room left (the target adds one token itself). */
    const roundK = () =>
      Math.min(settings.adaptive ? adaptive.k : settings.k, maxLength - ids.length - 1);
    for (;;) {
      const k = roundK();
      const proposals: number[] = [];
      const draftRows: Distribution[] = [];
      for (let j = 0; j < k; j++) {
        proposals.push(propose(draftNext));
        draftRows.push(draftNext);
        if (j === k - 1) break;
        const step = await draft.step(draftHandle, [[proposals[j]!]]);
        counts.draftSteps++;
        draftHandle = step.sequence;
        draftNext = step.logprobs!;
      }
      const feed = [...ids.slice(targetFed), ...proposals];
      const targetRows: Distribution[] = targetNext ? [targetNext] : [];
      if (feed.length > 0) {
        const step = await target.step(targetHandle, [feed], { positions: 'all' });
        counts.targetSteps++;
        targetHandle = step.sequence;
        const vocab = target.vocab;
        for (let j = 0; j < feed.length; j++) {
          targetRows.push(step.logprobs!.subarray(j * vocab, (j + 1) * vocab));
        }
      }
      // The rows before any waiting token are no longer wanted: one per proposal, and one after.
      const rows = targetRows.slice(targetRows.length - k - 1);
      const verdict = judge(proposals, draftRows, rows);
      const emitted = [...proposals.slice(0, verdict.accepted), verdict.token];

      counts.rounds++;
      counts.proposed += k;
      counts.accepted += verdict.accepted;
      counts.judged += verdict.accepted + (verdict.accepted < k ? 1 : 0);
      ks.push(k);
      adaptive = nextK(adaptive, { proposed: k, accepted: verdict.accepted }, limits);

      let done = false;
      for (let j = 0; j < emitted.length && !done; j++) {
        const token = emitted[j]!;
        ids.push(token);
        logprob += rows[j]![token]!;
        done = settings.eos.has(token) || ids.length >= maxLength;
      }
      if (done) break;

      // The target holds the waiting token and all k proposals; it keeps the accepted ones.
      targetFed += feed.length - (k - verdict.accepted);
      targetNext = undefined;
      const rewound: Promise<SequenceHandle> | SequenceHandle =
        k > verdict.accepted ? target.rewind(targetHandle, k - verdict.accepted) : targetHandle;
      // Meanwhile the draft, which holds the first k − 1 proposals (the last it never fed
      // itself), drops the rejected ones and takes in what it has not seen, ready to propose.
      const kept = Math.min(verdict.accepted, Math.max(0, k - 1));
      const rejected = Math.max(0, k - 1) - kept;
      draftFed += kept;
      const catchUp = async (handle: SequenceHandle): Promise<SequenceHandle> => {
        const after = rejected > 0 ? await draft.rewind(handle, rejected) : handle;
        if (roundK() === 0) return after;
        const step = await draft.step(after, [ids.slice(draftFed)]);
        counts.draftSteps++;
        draftNext = step.logprobs!;
        draftFed = ids.length;
        return step.sequence;
      };
      [targetHandle, draftHandle] = await Promise.all([rewound, catchUp(draftHandle)]);
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
    },
  };
}
