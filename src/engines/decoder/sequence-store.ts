/**
 * Worker side of a decoder actor: the open sequences and their key/value caches, and the runs
 * that extend them. Runs only on a decoder worker (it holds ONNX Runtime tensors).
 */
import * as ort from 'onnxruntime-node';
import {
  FeedError,
  InferenceError,
  ModelFolderError,
  SequenceClosedError,
  StaleSequenceError,
} from '../../errors.js';
import type { SessionRun } from '../onnx/direct-run.js';
import type { CacheEntry, DecoderIo, IdInput } from './decoder-io.js';
import type { SequenceAnswer, StepPositions, ToDecoderWorker } from './decoder-protocol.js';
import { type TensorData, takeAlong } from './take-along.js';
import { argmax, draw, probabilities } from './token-choice.js';

type ProposeMessage = Extract<ToDecoderWorker, { type: 'propose' }>;

/** A loaded session and the way to run it (see onnx/direct-run.ts). */
export interface DecoderSession {
  readonly session: ort.InferenceSession;
  readonly run: SessionRun;
}

/** The sessions of one decoder folder, with what their metadata said. */
export interface DecoderSessions {
  readonly decoder: DecoderSession;
  readonly decoderIo: DecoderIo;
  /** Split layout: the decoder without past, run for the prompt. */
  readonly first?: DecoderSession & { readonly io: DecoderIo };
  readonly encoder?: DecoderSession;
}

interface Sequence {
  generation: number;
  rows: number;
  length: number;
  /** Cache tensors by past input name; absent before the first run. */
  cache: Map<string, ort.Tensor>;
  /**
   * Two buffers per self-attention cache entry that ONNX Runtime writes each run's present into,
   * in turn: the past of a run lives in one, its present goes to the other. Outputs allocated
   * afresh every step made the step grow with the sequence (large external buffers, collected
   * often); reusing two keeps a step's cost to the model's own.
   */
  buffers: Map<string, [Float32Array, Float32Array]>;
  /** Encoder–decoder: the encoder's output and the source mask, kept for every step. */
  encoder?: { hidden: ort.Tensor; mask: ort.Tensor };
}

/** Runs a native section; undefined when the runtime is terminating this worker. */
export type Guarded = <T>(work: () => Promise<T>) => Promise<T | undefined>;

export class SequenceStore {
  readonly #sessions: DecoderSessions;
  readonly #actor: string;
  readonly #guarded: Guarded;
  readonly #sequences = new Map<number, Sequence>();

  constructor(actor: string, sessions: DecoderSessions, guarded: Guarded) {
    this.#actor = actor;
    this.#sessions = sessions;
    this.#guarded = guarded;
  }

  async open(
    seq: number,
    rows: readonly (readonly number[])[],
    source: readonly (readonly number[])[] | undefined,
    topK: number | undefined,
    positions: StepPositions = 'last',
  ): Promise<SequenceAnswer | undefined> {
    const width = rows[0]?.length ?? 0;
    if (rows.length === 0 || width === 0 || rows.some((row) => row.length !== width)) {
      throw new FeedError(
        `decoder "${this.#actor}": open needs one or more prompt rows of one non-zero length, got lengths [${rows.map((r) => r.length).join(', ')}]`,
      );
    }
    const sequence: Sequence = {
      generation: 0,
      rows: rows.length,
      length: 0,
      cache: new Map(),
      buffers: new Map(),
    };
    if (this.#sessions.encoder) {
      if (!source || source.length !== rows.length) {
        throw new FeedError(
          `decoder "${this.#actor}": an encoder–decoder needs "source" ids for each of the ${rows.length} rows`,
        );
      }
      const encoded = await this.#encode(source);
      if (!encoded) return undefined;
      sequence.encoder = encoded;
    }
    const answer = await this.#extend(seq, sequence, rows, topK, positions);
    if (answer) this.#sequences.set(seq, sequence);
    return answer;
  }

  async step(
    seq: number,
    generation: number,
    tokens: readonly (readonly number[])[],
    topK: number | undefined,
    positions: StepPositions = 'last',
    rewind = 0,
  ): Promise<SequenceAnswer | undefined> {
    const sequence = this.#current(seq, generation);
    const width = tokens[0]?.length ?? 0;
    if (tokens.length !== sequence.rows || width === 0 || tokens.some((t) => t.length !== width)) {
      throw new FeedError(
        `decoder "${this.#actor}": sequence ${seq} has ${sequence.rows} rows; step needs as many token lists of one non-zero length, got lengths [${tokens.map((t) => t.length).join(', ')}]`,
      );
    }
    if (rewind > 0) this.#drop(seq, sequence, rewind);
    return this.#extend(seq, sequence, tokens, topK, positions);
  }

  /**
   * Drops `rewind` positions, appends `tokens`, then chooses `count` tokens one after the other
   * (the most likely, or a draw with the given uniform numbers), feeding each back but the last:
   * a draft's proposals in one message instead of one message each. The choices are made with
   * the functions the caller's thread uses, on the same rows, so they are the tokens it would
   * have chosen.
   */
  async propose(message: ProposeMessage): Promise<SequenceAnswer | undefined> {
    const { seq, tokens, count, sampling } = message;
    const sequence = this.#current(seq, message.generation);
    if (sequence.rows !== 1 || tokens.length === 0 || !(count >= 1)) {
      throw new FeedError(
        `decoder "${this.#actor}": propose needs a sequence of one row (sequence ${seq} has ${sequence.rows}), one or more tokens to append (got ${tokens.length}) and a count ≥ 1 (got ${count})`,
      );
    }
    if (sampling && sampling.uniforms.length !== count) {
      throw new FeedError(
        `decoder "${this.#actor}": propose with sampling needs ${count} uniform numbers, one per proposal, got ${sampling.uniforms.length}`,
      );
    }
    if (message.rewind > 0) this.#drop(seq, sequence, message.rewind);
    const vocab = this.#sessions.decoderIo.vocab;
    const proposals = new Int32Array(count);
    const rows = message.distributions ? new Float32Array(count * vocab) : undefined;
    let answer = await this.#extend(seq, sequence, [tokens], undefined, 'last');
    for (let j = 0; answer; j++) {
      const q = answer.logprobs!;
      proposals[j] = sampling
        ? draw(probabilities(q, sampling.temperature), () => sampling.uniforms[j]!)!
        : argmax(q);
      rows?.set(q, j * vocab);
      if (j === count - 1) break;
      answer = await this.#extend(seq, sequence, [[proposals[j]!]], undefined, 'last');
    }
    if (!answer) return undefined;
    return { ...this.#answer(seq, sequence), proposals, ...(rows ? { logprobs: rows } : {}) };
  }

  /** Beams: the new rows are old rows by index; an index may repeat (a fork) or be left out. */
  reorder(seq: number, generation: number, rows: readonly number[]): SequenceAnswer {
    const sequence = this.#current(seq, generation);
    if (
      rows.length === 0 ||
      rows.some((r) => !Number.isInteger(r) || r < 0 || r >= sequence.rows)
    ) {
      throw new FeedError(
        `decoder "${this.#actor}": reorder of sequence ${seq} needs row indices in [0, ${sequence.rows}), got [${rows.join(', ')}]`,
      );
    }
    for (const entry of this.#entries()) {
      const tensor = sequence.cache.get(entry.past);
      if (!tensor) continue;
      sequence.cache.set(entry.past, take(tensor, entry.dims.indexOf('batch'), rows));
    }
    if (sequence.encoder) {
      sequence.encoder = {
        hidden: take(sequence.encoder.hidden, 0, rows),
        mask: take(sequence.encoder.mask, 0, rows),
      };
    }
    sequence.rows = rows.length;
    return this.#answer(seq, sequence);
  }

  /** Drops the last `count` positions; the cross-attention cache stays. */
  rewind(seq: number, generation: number, count: number): SequenceAnswer {
    const sequence = this.#current(seq, generation);
    this.#drop(seq, sequence, count);
    return this.#answer(seq, sequence);
  }

  #drop(seq: number, sequence: Sequence, count: number): void {
    if (!Number.isInteger(count) || count < 1 || count >= sequence.length) {
      throw new FeedError(
        `decoder "${this.#actor}": rewind of sequence ${seq} (length ${sequence.length}) needs a count in [1, ${sequence.length - 1}], got ${count}`,
      );
    }
    const keep = Array.from({ length: sequence.length - count }, (_, i) => i);
    for (const entry of this.#entries()) {
      const tensor = sequence.cache.get(entry.past);
      if (!tensor || entry.cross) continue;
      sequence.cache.set(entry.past, take(tensor, entry.dims.indexOf('seq'), keep));
    }
    sequence.length -= count;
  }

  close(seq: number): void {
    this.#sequences.delete(seq);
  }

  #entries(): readonly CacheEntry[] {
    return this.#sessions.decoderIo.cache;
  }

  #current(seq: number, generation: number): Sequence {
    const sequence = this.#sequences.get(seq);
    if (!sequence) {
      throw new SequenceClosedError(`decoder "${this.#actor}": sequence ${seq} is not open`);
    }
    if (sequence.generation !== generation) {
      throw new StaleSequenceError(
        `decoder "${this.#actor}": sequence ${seq} is at generation ${sequence.generation}, the message was for ${generation}`,
      );
    }
    return sequence;
  }

  async #encode(
    source: readonly (readonly number[])[],
  ): Promise<{ hidden: ort.Tensor; mask: ort.Tensor } | undefined> {
    const { session: encoder, run } = this.#sessions.encoder!;
    const width = source[0]?.length ?? 0;
    if (width === 0 || source.some((row) => row.length !== width)) {
      throw new FeedError(`decoder "${this.#actor}": source rows must share one non-zero length`);
    }
    const idsType = (encoder.inputMetadata.find((m) => m.name === 'input_ids') as { type?: string })
      ?.type;
    const maskType = (
      encoder.inputMetadata.find((m) => m.name === 'attention_mask') as { type?: string }
    )?.type;
    const ids = idTensor(idsType === 'int32' ? 'int32' : 'int64', source.flat(), [
      source.length,
      width,
    ]);
    const mask = idTensor(maskType === 'int32' ? 'int32' : 'int64', ones(source.length * width), [
      source.length,
      width,
    ]);
    const feeds: Record<string, ort.Tensor> = { input_ids: ids };
    if (encoder.inputNames.includes('attention_mask')) feeds.attention_mask = mask;
    const out = await this.#guarded(() => run(feeds));
    if (!out) return undefined;
    const hidden = out.last_hidden_state ?? out[encoder.outputNames[0]!];
    if (!hidden) throw new ModelFolderError(`encoder of "${this.#actor}" returned no output`);
    return { hidden, mask };
  }

  /** Runs the decoder on `tokens` (rows × n) after the sequence's cache, and keeps the new cache. */
  async #extend(
    seq: number,
    sequence: Sequence,
    tokens: readonly (readonly number[])[],
    topK: number | undefined,
    positions: StepPositions,
  ): Promise<SequenceAnswer | undefined> {
    const first = sequence.length === 0;
    const { session, run, io } =
      first && this.#sessions.first
        ? this.#sessions.first
        : { ...this.#sessions.decoder, io: this.#sessions.decoderIo };
    const rows = sequence.rows;
    const n = tokens[0]!.length;
    const feeds: Record<string, ort.Tensor> = {
      [io.inputIds.name]: idTensor(io.inputIds.dtype, tokens.flat(), [rows, n]),
    };
    if (io.positionIds) {
      const positions: number[] = [];
      for (let r = 0; r < rows; r++)
        for (let j = 0; j < n; j++) positions.push(sequence.length + j);
      feeds[io.positionIds.name] = idTensor(io.positionIds.dtype, positions, [rows, n]);
    }
    const total = sequence.length + n;
    if (io.attentionMask) {
      feeds[io.attentionMask.name] = idTensor(io.attentionMask.dtype, ones(rows * total), [
        rows,
        total,
      ]);
    }
    if (io.useCacheBranch) feeds[io.useCacheBranch] = new ort.Tensor('bool', [!first], [1]);
    if (sequence.encoder) {
      if (io.encoderHiddenStates) feeds[io.encoderHiddenStates] = sequence.encoder.hidden;
      if (io.encoderAttentionMask) {
        feeds[io.encoderAttentionMask.name] = retype(
          sequence.encoder.mask,
          io.encoderAttentionMask,
        );
      }
    }
    for (const entry of io.cache) {
      feeds[entry.past] = sequence.cache.get(entry.past) ?? emptyCache(entry, rows);
    }
    let out: ort.InferenceSession.OnnxValueMapType | undefined;
    // The split layout's first decoder takes no past but returns the same presents.
    const fetches = presentBuffers(
      io.logits,
      this.#entries(),
      session.outputNames,
      sequence,
      total,
    );
    try {
      out = await this.#guarded(() => run(feeds, fetches));
    } catch (error) {
      throw new InferenceError(
        `decoder "${this.#actor}": ONNX Runtime failed on sequence ${seq}: ${(error as Error).message}`,
      );
    }
    if (!out) return undefined;
    const logits = out[io.logits]!;
    if ((logits.data as Float32Array).length !== rows * n * io.vocab) {
      // Some exports return the last position only; every position is what 'all' needs and what
      // the reading below assumes.
      throw new ModelFolderError(
        `decoder "${this.#actor}": output "${io.logits}" has shape [${logits.dims.join(', ')}], expected [${rows}, ${n}, ${io.vocab}] (rows, appended positions, vocabulary)`,
      );
    }
    // The decoder with past is the one whose cache entries name every layer; the split layout's
    // first decoder returns the same present names.
    for (const entry of this.#sessions.decoderIo.cache) {
      // Our own buffer when the present was written into one, not the copy the binding returns.
      const present = fetches[entry.present] ?? out[entry.present];
      if (present) sequence.cache.set(entry.past, present);
      else if (!entry.cross || !sequence.cache.has(entry.past)) {
        throw new ModelFolderError(
          `decoder "${this.#actor}": the run returned no "${entry.present}" for cache input "${entry.past}"`,
        );
      }
    }
    sequence.length = total;
    sequence.generation++;
    const answered = positions === 'all' ? n : 1;
    const logprobs = positionLogprobs(logits.data as Float32Array, rows, n, io.vocab, positions);
    return {
      ...this.#answer(seq, sequence),
      ...selectTop(logprobs, rows * answered, io.vocab, topK),
    };
  }

  #answer(seq: number, sequence: Sequence): SequenceAnswer {
    let bytes = 0;
    for (const tensor of sequence.cache.values()) bytes += byteLength(tensor);
    if (sequence.encoder) bytes += byteLength(sequence.encoder.hidden);
    return {
      seq,
      generation: sequence.generation,
      rows: sequence.rows,
      length: sequence.length,
      bytes,
    };
  }
}

/**
 * The outputs of a run: logits and the cross-attention presents allocated by ONNX Runtime, each
 * float32 self-attention present written into whichever of its sequence's two buffers does not
 * hold the past (grown when the rows or positions outgrow it).
 */
function presentBuffers(
  logits: string,
  entries: readonly CacheEntry[],
  outputs: readonly string[],
  sequence: Sequence,
  total: number,
): Record<string, ort.Tensor | null> {
  const fetches: Record<string, ort.Tensor | null> = { [logits]: null };
  for (const entry of entries) {
    if (!outputs.includes(entry.present)) continue;
    if (entry.cross || entry.dtype !== 'float32') {
      fetches[entry.present] = null;
      continue;
    }
    const dims = entry.dims.map((dim) =>
      dim === 'batch' ? sequence.rows : dim === 'seq' ? total : (dim as number),
    );
    const size = dims.reduce((a, b) => a * b, 1);
    const past = sequence.cache.get(entry.past)?.data;
    let pair = sequence.buffers.get(entry.past);
    if (!pair) {
      pair = [new Float32Array(0), new Float32Array(0)];
      sequence.buffers.set(entry.past, pair);
    }
    const free = past !== undefined && sameBuffer(past, pair[0]) ? 1 : 0;
    if (pair[free].length < size)
      pair[free] = new Float32Array(Math.max(size, 2 * pair[free].length));
    fetches[entry.present] = new ort.Tensor('float32', pair[free].subarray(0, size), dims);
  }
  return fetches;
}

function sameBuffer(data: unknown, buffer: Float32Array): boolean {
  return (data as ArrayBufferView).buffer === buffer.buffer && buffer.length > 0;
}

function byteLength(tensor: ort.Tensor): number {
  return (tensor.data as ArrayBufferView).byteLength;
}

function ones(count: number): number[] {
  return new Array<number>(count).fill(1);
}

function idTensor(dtype: IdInput['dtype'], values: readonly number[], dims: number[]): ort.Tensor {
  if (dtype === 'int64') return new ort.Tensor('int64', BigInt64Array.from(values, BigInt), dims);
  return new ort.Tensor('int32', Int32Array.from(values), dims);
}

function retype(tensor: ort.Tensor, want: IdInput): ort.Tensor {
  if (tensor.type === want.dtype) return tensor;
  return idTensor(want.dtype, Array.from(tensor.data as ArrayLike<number | bigint>, Number), [
    ...tensor.dims,
  ]);
}

function emptyCache(entry: CacheEntry, rows: number): ort.Tensor {
  const dims = entry.dims.map((dim) =>
    dim === 'batch' ? rows : typeof dim === 'number' ? dim : 0,
  );
  const type = entry.dtype as 'float32' | 'float16';
  const data = type === 'float16' ? new Uint16Array(0) : new Float32Array(0);
  return new ort.Tensor(type, data, dims);
}

function take(tensor: ort.Tensor, axis: number, indices: readonly number[]): ort.Tensor {
  const taken = takeAlong(tensor.data as TensorData, tensor.dims, axis, indices);
  return new ort.Tensor(tensor.type as 'float32', taken.data as Float32Array, taken.dims);
}

/**
 * Log-softmax of each row's last position, or of every position with 'all' (rows × positions ×
 * vocabulary, row-major), summed in float64 for a stable normaliser.
 */
export function positionLogprobs(
  logits: Float32Array,
  rows: number,
  positions: number,
  vocab: number,
  which: StepPositions,
): Float32Array {
  const answered = which === 'all' ? positions : 1;
  const skipped = positions - answered;
  const out = new Float32Array(rows * answered * vocab);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < answered; j++) {
      const from = (r * positions + skipped + j) * vocab;
      const to = (r * answered + j) * vocab;
      let max = Number.NEGATIVE_INFINITY;
      for (let v = 0; v < vocab; v++) max = Math.max(max, logits[from + v]!);
      let sum = 0;
      for (let v = 0; v < vocab; v++) sum += Math.exp(logits[from + v]! - max);
      const norm = max + Math.log(sum);
      for (let v = 0; v < vocab; v++) out[to + v] = logits[from + v]! - norm;
    }
  }
  return out;
}

function selectTop(
  logprobs: Float32Array,
  rows: number,
  vocab: number,
  k: number | undefined,
): Pick<SequenceAnswer, 'logprobs' | 'topIds' | 'topLogprobs'> {
  if (k === undefined) return { logprobs };
  const kk = Math.min(k, vocab);
  const topIds = new Int32Array(rows * kk);
  const topLogprobs = new Float32Array(rows * kk);
  if (kk === 1) {
    // The best token of each row (a greedy verifier's question): one pass, the first of equals.
    for (let r = 0; r < rows; r++) {
      const best = argmax(logprobs.subarray(r * vocab, (r + 1) * vocab));
      topIds[r] = best;
      topLogprobs[r] = logprobs[r * vocab + best]!;
    }
    return { topIds, topLogprobs };
  }
  for (let r = 0; r < rows; r++) {
    const ids: number[] = [];
    for (let v = 0; v < vocab; v++) {
      const score = logprobs[r * vocab + v]!;
      if (ids.length === kk && score <= logprobs[r * vocab + ids[kk - 1]!]!) continue;
      let at = ids.length;
      while (at > 0 && logprobs[r * vocab + ids[at - 1]!]! < score) at--;
      ids.splice(at, 0, v);
      if (ids.length > kk) ids.pop();
    }
    ids.forEach((id, j) => {
      topIds[r * kk + j] = id;
      topLogprobs[r * kk + j] = logprobs[r * vocab + id]!;
    });
  }
  return { topIds, topLogprobs };
}
