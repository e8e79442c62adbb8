import type {
  DecoderActor,
  DecoderStep,
  SequenceHandle,
} from '../engines/decoder/decoder-actor.js';
import { createFusionScratch, type FusionScratch, fuse } from '../engines/fusion/kernels/index.js';
import { ArgumentError, VocabularyMismatchError } from '../errors.js';
import { BeamHypotheses, type EarlyStopping, type ScoredSequence } from './beam-hypotheses.js';

export interface GenerateOptions {
  /** Length of the output, prompt included (Hugging Face's `max_length`). Default: the folder's, else 20. */
  readonly maxLength?: number;
  /** 1 (default): greedy. */
  readonly numBeams?: number;
  /** Beams are ranked by logprob / length ** lengthPenalty. Default 1. */
  readonly lengthPenalty?: number;
  /** Hugging Face's early_stopping: true, false (default) or 'never'. */
  readonly earlyStopping?: EarlyStopping;
  /** Sequences returned, best first; at most numBeams. Default 1. */
  readonly numReturnSequences?: number;
  /** End tokens; default the first decoder's folder's eos ids. */
  readonly eos?: readonly number[];
  /** Encoder–decoder: the source ids, encoded once per decoder. */
  readonly source?: readonly number[];
  /** How an ensemble's log-probabilities are fused. Default 'log-linear'. */
  readonly fusion?: 'log-linear' | 'log-mean';
  /** Weight of each decoder in the fusion; default 1 each (for log-mean, normalised). */
  readonly weights?: readonly number[];
}

export interface GeneratedSequence {
  /** The prompt followed by the generated tokens (the end token included if one was generated). */
  readonly ids: number[];
  /** Sum of the generated tokens' (fused) log-probabilities. */
  readonly logprob: number;
  /** What the sequence was ranked by: logprob / length ** lengthPenalty for beams, else logprob. */
  readonly score: number;
}

const DEFAULT_MAX_LENGTH = 20;

/**
 * Generates from a prompt with one decoder, or an ensemble of decoders whose next-token
 * log-probabilities are fused at each step. Each decoder keeps the sequence's cache in its worker:
 * a step sends the chosen tokens and, for beams, the rows to keep; it never re-sends the window.
 * Greedy, or beam search with Hugging Face's semantics (see beam-hypotheses.ts).
 */
export async function generate(
  decoders: readonly DecoderActor[],
  prompt: readonly number[],
  options: GenerateOptions = {},
): Promise<GeneratedSequence[]> {
  const first = decoders[0];
  if (!first) throw new ArgumentError('generate: needs at least one decoder', 'decoders');
  for (const decoder of decoders) {
    if (decoder.vocab !== first.vocab) {
      throw new VocabularyMismatchError(
        `generate: decoder "${decoder.name}" has a vocabulary of ${decoder.vocab} tokens, decoder "${first.name}" one of ${first.vocab}`,
      );
    }
  }
  const search = first.folder.search;
  const maxLength = options.maxLength ?? search.maxLength ?? DEFAULT_MAX_LENGTH;
  const numBeams = options.numBeams ?? search.numBeams ?? 1;
  const numReturn = options.numReturnSequences ?? 1;
  if (prompt.length === 0) throw new ArgumentError('generate: the prompt is empty', 'prompt');
  if (!Number.isInteger(maxLength) || maxLength <= prompt.length) {
    throw new ArgumentError(
      `generate: options.maxLength (${maxLength}) counts the prompt and must exceed its ${prompt.length} tokens`,
      'options.maxLength',
    );
  }
  for (const decoder of decoders) {
    const context = decoder.folder.contextLength;
    if (context !== undefined && maxLength > context) {
      throw new ArgumentError(
        `generate: options.maxLength ${maxLength} is past decoder "${decoder.name}"'s context length ${context}`,
        'options.maxLength',
      );
    }
  }
  if (!Number.isInteger(numBeams) || numBeams < 1) {
    throw new ArgumentError(
      `generate: options.numBeams must be an integer ≥ 1, got ${numBeams}`,
      'options.numBeams',
    );
  }
  if (!Number.isInteger(numReturn) || numReturn < 1 || numReturn > numBeams) {
    throw new ArgumentError(
      `generate: options.numReturnSequences must be an integer from 1 to numBeams (${numBeams}), got ${numReturn}`,
      'options.numReturnSequences',
    );
  }
  const eos = new Set(options.eos ?? first.folder.eos);
  const ensemble = new Ensemble(decoders, options);
  try {
    let next = await ensemble.open(prompt, options.source);
    if (numBeams === 1) return [await greedy(ensemble, next, prompt, maxLength, eos)];
    const hypotheses = new BeamHypotheses(
      numBeams,
      options.lengthPenalty ?? search.lengthPenalty ?? 1,
      options.earlyStopping ?? search.earlyStopping ?? false,
      maxLength,
    );
    let live: { tokens: number[]; logprob: number }[] = [{ tokens: [...prompt], logprob: 0 }];
    let done = false;
    for (;;) {
      const length = live[0]!.tokens.length;
      const candidates = topCandidates(live, next, first.vocab, 2 * numBeams);
      const kept: Candidate[] = [];
      candidates.forEach((candidate, rank) => {
        if (kept.length === numBeams) return;
        if (eos.has(candidate.token)) {
          // Hugging Face: an end token outside the first numBeams candidates is not a hypothesis.
          if (rank < numBeams) hypotheses.add(live[candidate.row]!.tokens, candidate.logprob);
        } else kept.push(candidate);
      });
      live = kept.map((c) => ({ tokens: [...live[c.row]!.tokens, c.token], logprob: c.logprob }));
      done = hypotheses.isDone(candidates[0]!.logprob, length);
      if (done || length + 1 >= maxLength || live.length === 0) break;
      next = await ensemble.advance(
        kept.map((c) => c.row),
        kept.map((c) => c.token),
      );
    }
    // Hugging Face's finalize: the live beams compete with the finished ones unless the search
    // stopped because none of them could win.
    if (!done) for (const beam of live) hypotheses.add(beam.tokens, beam.logprob);
    return hypotheses
      .best()
      .slice(0, numReturn)
      .map((h) => withEnd(h, maxLength, eos));
  } finally {
    await ensemble.close();
  }
}

async function greedy(
  ensemble: Ensemble,
  start: Float32Array,
  prompt: readonly number[],
  maxLength: number,
  eos: ReadonlySet<number>,
): Promise<GeneratedSequence> {
  const ids = [...prompt];
  let logprob = 0;
  let next = start;
  for (;;) {
    let best = 0;
    for (let token = 1; token < next.length; token++) if (next[token]! > next[best]!) best = token;
    ids.push(best);
    logprob += next[best]!;
    if (eos.has(best) || ids.length >= maxLength) break;
    next = await ensemble.advance([0], [best]);
  }
  return { ids, logprob, score: logprob };
}

/** A finished hypothesis as returned: the end token appended when there was room for it. */
function withEnd(
  hypothesis: ScoredSequence,
  maxLength: number,
  eos: ReadonlySet<number>,
): GeneratedSequence {
  const ids = [...hypothesis.tokens];
  const end = eos.values().next();
  if (ids.length < maxLength && !end.done) ids.push(end.value);
  return { ids, logprob: hypothesis.logprob, score: hypothesis.score };
}

interface Candidate {
  readonly row: number;
  readonly token: number;
  readonly logprob: number;
}

/** The `count` best (row, token) continuations by summed log-probability; ties by row, then token. */
function topCandidates(
  live: readonly { logprob: number }[],
  logprobs: Float32Array,
  vocab: number,
  count: number,
): Candidate[] {
  const best: Candidate[] = [];
  for (let row = 0; row < live.length; row++) {
    const base = live[row]!.logprob;
    for (let token = 0; token < vocab; token++) {
      const logprob = base + logprobs[row * vocab + token]!;
      if (Number.isNaN(logprob) || logprob === Number.NEGATIVE_INFINITY) continue;
      if (best.length === count && logprob <= best[count - 1]!.logprob) continue;
      let at = best.length;
      while (at > 0 && best[at - 1]!.logprob < logprob) at--;
      best.splice(at, 0, { row, token, logprob });
      if (best.length > count) best.pop();
    }
  }
  return best;
}

/** K decoders stepped together, their log-probabilities fused (one decoder: used as they come). */
class Ensemble {
  readonly #decoders: readonly DecoderActor[];
  readonly #options: GenerateOptions;
  readonly #handles: (SequenceHandle | undefined)[];
  #scratch: FusionScratch | undefined;

  constructor(decoders: readonly DecoderActor[], options: GenerateOptions) {
    this.#decoders = decoders;
    this.#options = options;
    this.#handles = decoders.map(() => undefined);
  }

  async open(prompt: readonly number[], source?: readonly number[]): Promise<Float32Array> {
    const steps = await Promise.all(
      this.#decoders.map(async (decoder, i) => {
        const step = await decoder.open(prompt, source ? { source } : {});
        this.#handles[i] = step.sequence;
        return step;
      }),
    );
    return this.#fuse(steps);
  }

  /** Keeps rows `rows` (reordered, forked) and appends one token to each. */
  async advance(rows: readonly number[], tokens: readonly number[]): Promise<Float32Array> {
    const steps = await Promise.all(
      this.#decoders.map(async (decoder, i) => {
        let handle = this.#handles[i]!;
        if (rows.length !== handle.rows || rows.some((row, at) => row !== at)) {
          handle = await decoder.reorder(handle, rows);
        }
        const step = await decoder.step(handle, tokens);
        this.#handles[i] = step.sequence;
        return step;
      }),
    );
    return this.#fuse(steps);
  }

  async close(): Promise<void> {
    await Promise.all(
      this.#decoders.map((decoder, i) => {
        const handle = this.#handles[i];
        return handle ? decoder.closeSequence(handle) : undefined;
      }),
    );
  }

  #fuse(steps: readonly DecoderStep[]): Float32Array {
    const outputs = steps.map((step) => step.logprobs!);
    if (outputs.length === 1) return outputs[0]!;
    const vocab = this.#decoders[0]!.vocab;
    this.#scratch ??= createFusionScratch(vocab, outputs.length);
    const rows = outputs[0]!.length / vocab;
    const out = { distribution: new Float32Array(rows * vocab), argmax: new Int32Array(rows) };
    fuse(
      this.#options.fusion ?? 'log-linear',
      { kind: 'logprobs', classes: vocab, outputs, weights: this.#options.weights },
      out,
      this.#scratch,
    );
    return out.distribution;
  }
}
