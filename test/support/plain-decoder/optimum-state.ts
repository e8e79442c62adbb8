import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { DecoderState } from './decoder-state.js';
import { emptyCache, intMatrix, lastPositionLogits, reorderRows } from './kv-cache.js';

export interface OptimumConfig {
  readonly vocab_size: number;
  readonly num_hidden_layers: number;
  readonly num_attention_heads: number;
  readonly num_key_value_heads?: number;
  readonly hidden_size: number;
  readonly eos_token_id: number;
}

export type OptimumForm = 'merged' | 'split';

/** The merged file when the folder has one, else the split pair. */
export function folderForm(dir: string): OptimumForm {
  return existsSync(join(dir, 'decoder_model_merged.onnx')) ? 'merged' : 'split';
}

/**
 * The Optimum decoder-only layout: `past_key_values.{i}.key|value` [batch, heads, past, headDim]
 * → `present.{i}.key|value`. The merged file starts with a zero-length past and
 * `use_cache_branch` false; the split form starts with `decoder_model.onnx` (no past inputs)
 * and goes on with `decoder_with_past_model.onnx`.
 */
export class OptimumState implements DecoderState {
  readonly vocab: number;
  readonly #config: OptimumConfig;
  readonly #first: ort.InferenceSession;
  readonly #next: ort.InferenceSession;
  readonly #merged: boolean;
  readonly #prompt: readonly number[];
  readonly #rows: number;
  #past: ort.Tensor[] = [];
  #length = 0;

  private constructor(
    config: OptimumConfig,
    first: ort.InferenceSession,
    next: ort.InferenceSession,
    merged: boolean,
    prompt: readonly number[],
    rows: number,
  ) {
    this.vocab = config.vocab_size;
    this.#config = config;
    this.#first = first;
    this.#next = next;
    this.#merged = merged;
    this.#prompt = prompt;
    this.#rows = rows;
  }

  static async open(
    dir: string,
    prompt: readonly number[],
    rows: number,
    form: OptimumForm = folderForm(dir),
  ): Promise<OptimumState> {
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as OptimumConfig;
    if (form === 'merged') {
      const merged = await ort.InferenceSession.create(join(dir, 'decoder_model_merged.onnx'));
      return new OptimumState(config, merged, merged, true, prompt, rows);
    }
    const first = await ort.InferenceSession.create(join(dir, 'decoder_model.onnx'));
    const next = await ort.InferenceSession.create(join(dir, 'decoder_with_past_model.onnx'));
    return new OptimumState(config, first, next, false, prompt, rows);
  }

  async prefill(): Promise<Float32Array[]> {
    const c = this.#config;
    const heads = c.num_key_value_heads ?? c.num_attention_heads;
    const headDim = c.hidden_size / c.num_attention_heads;
    this.#past = Array.from({ length: 2 * c.num_hidden_layers }, () =>
      emptyCache([this.#rows, heads, 0, headDim]),
    );
    this.#length = 0;
    return this.#run(
      Array.from({ length: this.#rows }, () => this.#prompt),
      true,
    );
  }

  step(tokens: readonly number[]): Promise<Float32Array[]> {
    return this.#run(
      tokens.map((t) => [t]),
      false,
    );
  }

  async #run(ids: readonly (readonly number[])[], first: boolean): Promise<Float32Array[]> {
    const seq = ids[0]!.length;
    const total = this.#length + seq;
    const feeds: Record<string, ort.Tensor> = {
      input_ids: intMatrix('int64', ids),
      attention_mask: intMatrix(
        'int64',
        ids.map(() => new Array<number>(total).fill(1)),
      ),
      position_ids: intMatrix(
        'int64',
        ids.map(() => Array.from({ length: seq }, (_, i) => this.#length + i)),
      ),
    };
    const withPast = this.#merged || !first;
    if (withPast) {
      for (let i = 0; i < this.#config.num_hidden_layers; i++) {
        feeds[`past_key_values.${i}.key`] = this.#past[2 * i]!;
        feeds[`past_key_values.${i}.value`] = this.#past[2 * i + 1]!;
      }
    }
    if (this.#merged)
      feeds.use_cache_branch = new ort.Tensor('bool', Uint8Array.of(first ? 0 : 1), [1]);
    const out = await (first ? this.#first : this.#next).run(feeds);
    this.#past = this.#past.map(
      (_, j) => out[`present.${j >> 1}.${j % 2 === 0 ? 'key' : 'value'}`]!,
    );
    this.#length = total;
    return lastPositionLogits(out.logits!);
  }

  reorder(from: readonly number[]): void {
    this.#past = this.#past.map((past) => reorderRows(past, 0, from));
  }

  async release(): Promise<void> {
    await this.#first.release();
    if (this.#next !== this.#first) await this.#next.release();
  }
}
