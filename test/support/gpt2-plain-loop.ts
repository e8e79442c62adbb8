/**
 * The plain way to decode the shared tiny-random-gpt2 folder: onnxruntime-node on the calling
 * thread, no actor, no kept cache (every step runs the whole window with an empty past), and a
 * beam search written the simplest way (every candidate scored, fully sorted), following Hugging
 * Face's BeamSearchScorer step by step. What the decoder actor must reproduce.
 */
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';

export const GPT2_DIR = fileURLToPath(
  new URL('../../../shared/models/tiny-random-gpt2/', import.meta.url),
);
const LAYERS = 5;
const HEADS = 4;
const HEAD_SIZE = 8;
export const GPT2_EOS = 98;

export async function loadGpt2(): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(`${GPT2_DIR}past.onnx`);
}

/** Next-token log-probabilities after `ids`, from a run over the whole window. */
export async function nextLogprobs(
  session: ort.InferenceSession,
  ids: readonly number[],
): Promise<number[]> {
  const n = ids.length;
  const out = await session.run(windowFeeds(ids));
  const logits = out.logits!.data as Float32Array;
  const vocab = out.logits!.dims[2]!;
  const last = Array.from(logits.subarray((n - 1) * vocab, n * vocab));
  const max = Math.max(...last);
  const norm = max + Math.log(last.reduce((sum, x) => sum + Math.exp(x - max), 0));
  return last.map((x) => x - norm);
}

/** The feeds of a run over the whole window `ids`, with an empty past in every layer. */
export function windowFeeds(ids: readonly number[]): Record<string, ort.Tensor> {
  const n = ids.length;
  const feeds: Record<string, ort.Tensor> = {
    input_ids: new ort.Tensor('int32', Int32Array.from(ids), [1, n]),
    position_ids: new ort.Tensor(
      'int32',
      Int32Array.from(ids, (_, i) => i),
      [1, n],
    ),
    attention_mask: new ort.Tensor('int32', new Int32Array(n).fill(1), [1, n]),
  };
  for (let layer = 0; layer < LAYERS; layer++) {
    feeds[`past_${layer}`] = new ort.Tensor('float32', new Float32Array(0), [
      2,
      1,
      HEADS,
      0,
      HEAD_SIZE,
    ]);
  }
  return feeds;
}

export interface PlainSequence {
  readonly ids: number[];
  readonly logprob: number;
}

export async function plainGreedy(
  session: ort.InferenceSession,
  prompt: readonly number[],
  maxLength: number,
): Promise<PlainSequence> {
  const ids = [...prompt];
  let logprob = 0;
  while (ids.length < maxLength) {
    const lp = await nextLogprobs(session, ids);
    const token = lp.indexOf(Math.max(...lp));
    ids.push(token);
    logprob += lp[token]!;
    if (token === GPT2_EOS) break;
  }
  return { ids, logprob };
}

/** Hugging Face beam search (early_stopping false), num_return_sequences = numBeams. */
export async function plainBeam(
  session: ort.InferenceSession,
  prompt: readonly number[],
  maxLength: number,
  numBeams: number,
  lengthPenalty = 1,
  eos = GPT2_EOS,
): Promise<PlainSequence[]> {
  let beams = [{ ids: [...prompt], logprob: 0 }];
  const finished: { ids: number[]; logprob: number; score: number }[] = [];
  const addFinished = (ids: number[], logprob: number) => {
    finished.push({ ids, logprob, score: logprob / ids.length ** lengthPenalty });
    finished.sort((a, b) => b.score - a.score);
    finished.splice(numBeams);
  };
  let done = false;
  while (beams[0]!.ids.length < maxLength) {
    const length = beams[0]!.ids.length;
    const all: { beam: number; token: number; logprob: number }[] = [];
    for (let b = 0; b < beams.length; b++) {
      const lp = await nextLogprobs(session, beams[b]!.ids);
      lp.forEach((x, token) => all.push({ beam: b, token, logprob: beams[b]!.logprob + x }));
    }
    all.sort((a, b) => b.logprob - a.logprob);
    const candidates = all.slice(0, 2 * numBeams);
    const next: typeof beams = [];
    for (let rank = 0; rank < candidates.length && next.length < numBeams; rank++) {
      const c = candidates[rank]!;
      if (c.token === eos) {
        if (rank < numBeams) addFinished(beams[c.beam]!.ids, c.logprob);
      } else next.push({ ids: [...beams[c.beam]!.ids, c.token], logprob: c.logprob });
    }
    beams = next;
    if (finished.length === numBeams) {
      const worst = finished[finished.length - 1]!.score;
      done = worst >= candidates[0]!.logprob / length ** lengthPenalty;
    }
    if (done) break;
  }
  if (!done) for (const beam of beams) addFinished(beam.ids, beam.logprob);
  return finished.map((f) => ({
    ids: f.ids.length < maxLength ? [...f.ids, eos] : f.ids,
    logprob: f.logprob,
  }));
}
