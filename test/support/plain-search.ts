/**
 * Greedy and Hugging Face beam search written the plain way over a {@link DecoderState} (a
 * decoder run by onnxruntime-node on the calling thread, its cache kept there): every candidate
 * scored, fully sorted. What the decoder actors' `generate` must reproduce.
 */
import type { DecoderState } from './plain-decoder/decoder-state.js';

export interface PlainSequence {
  readonly ids: number[];
  readonly logprob: number;
}

function logSoftmax(logits: Float32Array): number[] {
  let max = Number.NEGATIVE_INFINITY;
  for (const x of logits) max = Math.max(max, x);
  let sum = 0;
  for (const x of logits) sum += Math.exp(x - max);
  const norm = max + Math.log(sum);
  return Array.from(logits, (x) => x - norm);
}

export async function plainGreedyOn(
  state: DecoderState,
  prompt: readonly number[],
  maxLength: number,
  eos: number,
): Promise<PlainSequence> {
  const ids = [...prompt];
  let logprob = 0;
  let logits = (await state.prefill())[0]!;
  for (;;) {
    const lp = logSoftmax(logits);
    const token = lp.indexOf(Math.max(...lp));
    ids.push(token);
    logprob += lp[token]!;
    if (token === eos || ids.length >= maxLength) break;
    logits = (await state.step([token]))[0]!;
  }
  return { ids, logprob };
}

/** `state` opened with one row per beam; early_stopping false, every beam returned. */
export async function plainBeamOn(
  state: DecoderState,
  prompt: readonly number[],
  maxLength: number,
  numBeams: number,
  eos: number,
  lengthPenalty = 1,
): Promise<PlainSequence[]> {
  // All rows start as the prompt; only row 0 competes at first (Hugging Face: the others −1e9).
  let beams = [{ ids: [...prompt], logprob: 0 }];
  let logits = (await state.prefill()).slice(0, 1);
  const finished: { ids: number[]; logprob: number; score: number }[] = [];
  const addFinished = (ids: number[], logprob: number) => {
    finished.push({ ids, logprob, score: logprob / ids.length ** lengthPenalty });
    finished.sort((a, b) => b.score - a.score);
    finished.splice(numBeams);
  };
  let done = false;
  for (;;) {
    const length = beams[0]!.ids.length;
    const all: { beam: number; token: number; logprob: number }[] = [];
    beams.forEach((beam, b) => {
      logSoftmax(logits[b]!).forEach((x, token) =>
        all.push({ beam: b, token, logprob: beam.logprob + x }),
      );
    });
    all.sort((a, b) => b.logprob - a.logprob);
    const candidates = all.slice(0, 2 * numBeams);
    const next: { beam: number; token: number; logprob: number }[] = [];
    for (let rank = 0; rank < candidates.length && next.length < numBeams; rank++) {
      const c = candidates[rank]!;
      if (c.token === eos) {
        if (rank < numBeams) addFinished(beams[c.beam]!.ids, c.logprob);
      } else next.push(c);
    }
    const parents = next.map((c) => c.beam);
    beams = next.map((c) => ({ ids: [...beams[c.beam]!.ids, c.token], logprob: c.logprob }));
    if (finished.length === numBeams) {
      done =
        finished[finished.length - 1]!.score >= candidates[0]!.logprob / length ** lengthPenalty;
    }
    if (done || length + 1 >= maxLength || beams.length === 0) break;
    // The state has numBeams rows: fill the rows past the live beams with copies of row 0.
    state.reorder(Array.from({ length: numBeams }, (_, i) => parents[i] ?? parents[0]!));
    const tokens = Array.from({ length: numBeams }, (_, i) => next[i]?.token ?? next[0]!.token);
    logits = (await state.step(tokens)).slice(0, beams.length);
  }
  if (!done) for (const beam of beams) addFinished(beam.ids, beam.logprob);
  return finished.map((f) => ({
    ids: f.ids.length < maxLength ? [...f.ids, eos] : f.ids,
    logprob: f.logprob,
  }));
}
