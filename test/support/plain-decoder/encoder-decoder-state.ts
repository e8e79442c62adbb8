import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { DecoderState } from './decoder-state.js';
import { intMatrix, lastPositionLogits, reorderRows } from './kv-cache.js';

interface Seq2seqConfig {
  readonly vocab_size: number;
  readonly decoder_layers: number;
  readonly decoder_start_token_id: number;
}

/**
 * The Optimum encoder–decoder layout (Marian): the encoder runs once on the source; the first
 * decoder step (`decoder_model.onnx`, from `decoder_start_token_id`) reads its output and returns
 * the self-attention cache and the cross-attention keys and values; later steps
 * (`decoder_with_past_model.onnx`) read both and return only the self-attention cache.
 */
export class EncoderDecoderState implements DecoderState {
  readonly vocab: number;
  readonly #config: Seq2seqConfig;
  readonly #encoder: ort.InferenceSession;
  readonly #first: ort.InferenceSession;
  readonly #next: ort.InferenceSession;
  readonly #source: readonly number[];
  readonly #rows: number;
  /** By name: `past_key_values.{i}.decoder|encoder.key|value`. */
  #cache = new Map<string, ort.Tensor>();

  private constructor(
    config: Seq2seqConfig,
    sessions: readonly [ort.InferenceSession, ort.InferenceSession, ort.InferenceSession],
    source: readonly number[],
    rows: number,
  ) {
    this.vocab = config.vocab_size;
    this.#config = config;
    [this.#encoder, this.#first, this.#next] = sessions;
    this.#source = source;
    this.#rows = rows;
  }

  static async open(
    dir: string,
    source: readonly number[],
    rows: number,
    form: 'merged' | 'split' = 'split',
  ): Promise<EncoderDecoderState> {
    if (form !== 'split') throw new Error('the plain loop runs the split encoder–decoder files');
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Seq2seqConfig;
    const sessions = await Promise.all(
      ['encoder_model.onnx', 'decoder_model.onnx', 'decoder_with_past_model.onnx'].map((file) =>
        ort.InferenceSession.create(join(dir, file)),
      ),
    );
    return new EncoderDecoderState(
      config,
      sessions as [ort.InferenceSession, ort.InferenceSession, ort.InferenceSession],
      source,
      rows,
    );
  }

  #sourceMask(): ort.Tensor {
    return intMatrix(
      'int64',
      Array.from({ length: this.#rows }, () => this.#source.map(() => 1)),
    );
  }

  async prefill(): Promise<Float32Array[]> {
    const sources = Array.from({ length: this.#rows }, () => this.#source);
    const encoded = await this.#encoder.run({
      input_ids: intMatrix('int64', sources),
      attention_mask: this.#sourceMask(),
    });
    const start = Array.from({ length: this.#rows }, () => [this.#config.decoder_start_token_id]);
    const out = await this.#first.run({
      encoder_attention_mask: this.#sourceMask(),
      input_ids: intMatrix('int64', start),
      encoder_hidden_states: encoded.last_hidden_state!,
    });
    this.#cache = new Map();
    this.#keep(out, ['decoder', 'encoder']);
    return lastPositionLogits(out.logits!);
  }

  async step(tokens: readonly number[]): Promise<Float32Array[]> {
    const feeds: Record<string, ort.Tensor> = {
      encoder_attention_mask: this.#sourceMask(),
      input_ids: intMatrix(
        'int64',
        tokens.map((t) => [t]),
      ),
    };
    for (const [name, tensor] of this.#cache) feeds[name] = tensor;
    const out = await this.#next.run(feeds);
    this.#keep(out, ['decoder']);
    return lastPositionLogits(out.logits!);
  }

  #keep(out: ort.InferenceSession.OnnxValueMapType, sides: readonly string[]): void {
    for (let i = 0; i < this.#config.decoder_layers; i++) {
      for (const side of sides) {
        for (const part of ['key', 'value']) {
          const present = out[`present.${i}.${side}.${part}`] as ort.Tensor;
          this.#cache.set(`past_key_values.${i}.${side}.${part}`, present);
        }
      }
    }
  }

  reorder(from: readonly number[]): void {
    for (const [name, tensor] of this.#cache) this.#cache.set(name, reorderRows(tensor, 0, from));
  }

  async release(): Promise<void> {
    await Promise.all([this.#encoder, this.#first, this.#next].map((s) => s.release()));
  }
}
