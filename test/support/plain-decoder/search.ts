import type { DecoderState } from './decoder-state.js';

export type EarlyStopping = boolean | 'never';

export interface SearchOptions {
  readonly eos: number;
  /** Counts the prompt, as Hugging Face's `max_length` does. */
  readonly maxLength: number;
  /** 1 for greedy. */
  readonly numBeams?: number;
  readonly lengthPenalty?: number;
  readonly earlyStopping?: EarlyStopping;
  readonly numReturnSequences?: number;
}

export interface PlainSequence {
  /** Prompt then generated tokens (the end token included when one was generated). */
  readonly ids: number[];
  /** Sum of the generated tokens' log-probabilities (natural log). */
  readonly logprob: number;
  /** What beams are ranked by, logprob / length ** lengthPenalty; the logprob for greedy. */
  readonly score: number;
}

export function logSoftmax(logits: Float32Array): Float64Array {
  let max = Number.NEGATIVE_INFINITY;
  for (const x of logits) max = Math.max(max, x);
  let sum = 0;
  for (const x of logits) sum += Math.exp(x - max);
  const norm = max + Math.log(sum);
  return Float64Array.from(logits, (x) => x - norm);
}

function argmax(values: Float64Array): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}

/** Greedy search: the most likely token each step, until the end token or `maxLength`. */
export async function greedy(
  state: DecoderState,
  prompt: readonly number[],
  options: SearchOptions,
): Promise<PlainSequence> {
  const ids = [...prompt];
  let logprob = 0;
  let logits = (await state.prefill())[0]!;
  while (ids.length < options.maxLength) {
    const logprobs = logSoftmax(logits);
    const token = argmax(logprobs);
    logprob += logprobs[token]!;
    ids.push(token);
    if (token === options.eos || ids.length >= options.maxLength) break;
    logits = (await state.step([token]))[0]!;
  }
  return { ids, logprob, score: logprob };
}

interface Kept {
  readonly ids: number[];
  readonly logprob: number;
  readonly score: number;
}

/**
 * Hugging Face's `BeamHypotheses` as its BeamSearchScorer used it: the `numBeams` best finished
 * hypotheses, each scored sum_logprobs / len ** length_penalty with len the hypothesis' length,
 * prompt included and end token not (the hypothesis is taken before the end token is appended).
 */
class Finished {
  readonly kept: Kept[] = [];
  constructor(
    readonly numBeams: number,
    readonly lengthPenalty: number,
    readonly earlyStopping: EarlyStopping,
    readonly maxLength: number,
  ) {}

  worst(): number {
    return Math.min(...this.kept.map((k) => k.score));
  }

  add(ids: number[], logprob: number): void {
    const score = logprob / ids.length ** this.lengthPenalty;
    if (this.kept.length < this.numBeams || score > this.worst()) {
      this.kept.push({ ids, logprob, score });
      if (this.kept.length > this.numBeams) {
        let worstAt = 0;
        this.kept.forEach((k, i) => {
          if (k.score < this.kept[worstAt]!.score) worstAt = i;
        });
        this.kept.splice(worstAt, 1);
      }
    }
  }

  /** `length` is the beams' length before this step's token, as Hugging Face passes it. */
  isDone(bestLogprob: number, length: number): boolean {
    if (this.kept.length < this.numBeams) return false;
    if (this.earlyStopping === true) return true;
    const denominator =
      this.earlyStopping === 'never' && this.lengthPenalty > 0 ? this.maxLength : length;
    return this.worst() >= bestLogprob / denominator ** this.lengthPenalty;
  }
}

/**
 * Beam search as Hugging Face's generate (BeamSearchScorer) does it for one prompt: all beams
 * start as the prompt but only the first counts (the others start at -1e9); each step keeps the
 * 2 × numBeams best continuations, moves end tokens ranked within the first numBeams to the
 * finished set, and keeps numBeams live ones; at the end the live beams join the finished set
 * unless the search was done, and the best `numReturnSequences` come back best first, with the
 * end token appended to those shorter than `maxLength`.
 */
export async function beamSearch(
  state: DecoderState,
  prompt: readonly number[],
  options: SearchOptions,
): Promise<PlainSequence[]> {
  const numBeams = options.numBeams ?? 1;
  const finished = new Finished(
    numBeams,
    options.lengthPenalty ?? 1,
    options.earlyStopping ?? false,
    options.maxLength,
  );
  let beams = Array.from({ length: numBeams }, () => [...prompt]);
  let beamScores: number[] = Array.from({ length: numBeams }, (_, i) => (i === 0 ? 0 : -1e9));
  let done = false;
  let logits = await state.prefill();
  while (beams[0]!.length < options.maxLength) {
    const length = beams[0]!.length;
    const candidates: { score: number; row: number; token: number }[] = [];
    logits.forEach((rowLogits, row) => {
      const logprobs = logSoftmax(rowLogits);
      logprobs.forEach((lp, token) => {
        candidates.push({ score: beamScores[row]! + lp, row, token });
      });
    });
    // torch.topk over the flattened [beams × vocab] scores: best first, ties by lower index.
    candidates.sort((a, b) => b.score - a.score || a.row - b.row || a.token - b.token);
    const top = candidates.slice(0, 2 * numBeams);
    const next: typeof top = [];
    for (const [rank, candidate] of top.entries()) {
      if (candidate.token === options.eos) {
        if (rank >= numBeams) continue;
        finished.add([...beams[candidate.row]!], candidate.score);
      } else {
        next.push(candidate);
      }
      if (next.length === numBeams) break;
    }
    done = done || finished.isDone(top[0]!.score, length);
    beams = next.map((c) => [...beams[c.row]!, c.token]);
    beamScores = next.map((c) => c.score);
    state.reorder(next.map((c) => c.row));
    if (done || beams[0]!.length >= options.maxLength) break;
    logits = await state.step(next.map((c) => c.token));
  }
  if (!done) beams.forEach((ids, i) => finished.add(ids, beamScores[i]!));
  const best = [...finished.kept].sort((a, b) => b.score - a.score);
  return best.slice(0, options.numReturnSequences ?? 1).map((k) => ({
    ids: k.ids.length < options.maxLength ? [...k.ids, options.eos] : k.ids,
    logprob: k.logprob,
    score: k.score,
  }));
}
