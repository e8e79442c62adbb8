import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { DecoderState } from './decoder-state.js';
import { emptyCache, intMatrix, lastPositionLogits, reorderRows } from './kv-cache.js';
import { folderForm, type OptimumForm } from './optimum-state.js';

interface Seq2seqConfig {
  readonly vocab_size: number;
  readonly decoder_layers: number;
  readonly decoder_start_token_id: number;
  readonly decoder_attention_heads: number;
}

/**
 * The Optimum encoder–decoder layout (Marian): the encoder runs once on the source; the first
 * decoder step (`decoder_model.onnx`, from `decoder_start_token_id`) reads its output and returns
 * the self-attention cache and the cross-attention keys and values; later steps
 * (`decoder_with_past_model.onnx`) read both and return only the self-attention cache. The
 * merged file does both, `use_cache_branch` saying which, and hands the cross-attention cache on.
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
  #encoded: ort.Tensor | undefined;

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
    form: OptimumForm = folderForm(dir),
  ): Promise<EncoderDecoderState> {
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Seq2seqConfig;
    const files =
      form === 'merged'
        ? ['encoder_model.onnx', 'decoder_model_merged.onnx']
        : ['encoder_model.onnx', 'decoder_model.onnx', 'decoder_with_past_model.onnx'];
    const sessions = await Promise.all(
      files.map((file) => ort.InferenceSession.create(join(dir, file))),
    );
    const [encoder, first, next] = sessions as [
      ort.InferenceSession,
      ort.InferenceSession,
      ort.InferenceSession | undefined,
    ];
    return new EncoderDecoderState(config, [encoder, first, next ?? first], source, rows);
  }

  get #merged(): boolean {
    return this.#first === this.#next;
  }

  /** The merged file's extra inputs: the encoder output, and which branch to take. */
  #mergedFeeds(firstStep: boolean): Record<string, ort.Tensor> {
    if (!this.#merged || this.#encoded === undefined) return {};
    return {
      encoder_hidden_states: this.#encoded,
      use_cache_branch: new ort.Tensor('bool', Uint8Array.of(firstStep ? 0 : 1), [1]),
    };
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
    this.#encoded = encoded.last_hidden_state!;
    const start = Array.from({ length: this.#rows }, () => [this.#config.decoder_start_token_id]);
    const feeds: Record<string, ort.Tensor> = {
      encoder_attention_mask: this.#sourceMask(),
      input_ids: intMatrix('int64', start),
      encoder_hidden_states: this.#encoded,
      ...this.#mergedFeeds(true),
    };
    if (this.#merged) {
      // The merged file takes a past even on the first step: zero-length, and ignored.
      const [rows, , width] = this.#encoded.dims as [number, number, number];
      const heads = this.#config.decoder_attention_heads;
      for (let i = 0; i < this.#config.decoder_layers; i++) {
        for (const side of ['decoder', 'encoder']) {
          for (const part of ['key', 'value']) {
            feeds[`past_key_values.${i}.${side}.${part}`] = emptyCache([
              rows,
              heads,
              0,
              width / heads,
            ]);
          }
        }
      }
    }
    const out = await this.#first.run(feeds);
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
    Object.assign(feeds, this.#mergedFeeds(false));
    const out = await this.#next.run(feeds);
    this.#keep(out, this.#merged ? ['decoder', 'encoder'] : ['decoder']);
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
    if (this.#encoded !== undefined) this.#encoded = reorderRows(this.#encoded, 0, from);
  }

  async release(): Promise<void> {
    const sessions = new Set([this.#encoder, this.#first, this.#next]);
    await Promise.all([...sessions].map((s) => s.release()));
  }
}
