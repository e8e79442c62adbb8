import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { DecoderState } from './decoder-state.js';
import { emptyCache, intMatrix, lastPositionLogits, reorderRows } from './kv-cache.js';

interface GenaiConfig {
  readonly model: {
    readonly eos_token_id: number;
    readonly vocab_size: number;
    readonly decoder: {
      readonly filename: string;
      readonly num_key_value_heads: number;
      readonly head_size: number;
      readonly num_hidden_layers: number;
      readonly inputs: { readonly past_names: string };
      readonly outputs: { readonly present_names: string };
    };
  };
}

export function readGenaiConfig(dir: string): GenaiConfig {
  return JSON.parse(readFileSync(join(dir, 'genai_config.json'), 'utf8')) as GenaiConfig;
}

/**
 * The onnxruntime-genai layout with one stacked cache tensor per layer (`past_%d`, shape
 * [2, batch, heads, past, headDim]), as the shared tiny-random-gpt2 folder has it. Ids,
 * positions and mask take the dtype the model declares (int32 there).
 */
export class GenaiState implements DecoderState {
  readonly vocab: number;
  readonly #session: ort.InferenceSession;
  readonly #config: GenaiConfig['model']['decoder'];
  readonly #prompt: readonly number[];
  readonly #rows: number;
  readonly #intType: 'int32' | 'int64';
  #past: ort.Tensor[] = [];
  #length = 0;

  private constructor(
    session: ort.InferenceSession,
    config: GenaiConfig,
    prompt: readonly number[],
    rows: number,
  ) {
    this.#session = session;
    this.#config = config.model.decoder;
    this.vocab = config.model.vocab_size;
    this.#prompt = prompt;
    this.#rows = rows;
    const ids = session.inputMetadata.find((m) => m.name === 'input_ids');
    this.#intType = ids?.isTensor && ids.type === 'int64' ? 'int64' : 'int32';
  }

  static async open(dir: string, prompt: readonly number[], rows: number): Promise<GenaiState> {
    const config = readGenaiConfig(dir);
    const session = await ort.InferenceSession.create(join(dir, config.model.decoder.filename));
    return new GenaiState(session, config, prompt, rows);
  }

  #name(template: string, layer: number): string {
    return template.replace('%d', String(layer));
  }

  async prefill(): Promise<Float32Array[]> {
    const c = this.#config;
    this.#past = Array.from({ length: c.num_hidden_layers }, () =>
      emptyCache([2, this.#rows, c.num_key_value_heads, 0, c.head_size]),
    );
    this.#length = 0;
    return this.#run(Array.from({ length: this.#rows }, () => this.#prompt));
  }

  step(tokens: readonly number[]): Promise<Float32Array[]> {
    return this.#run(tokens.map((t) => [t]));
  }

  async #run(ids: readonly (readonly number[])[]): Promise<Float32Array[]> {
    const seq = ids[0]!.length;
    const total = this.#length + seq;
    const positions = ids.map(() => Array.from({ length: seq }, (_, i) => this.#length + i));
    const feeds: Record<string, ort.Tensor> = {
      input_ids: intMatrix(this.#intType, ids),
      position_ids: intMatrix(this.#intType, positions),
      attention_mask: intMatrix(
        this.#intType,
        ids.map(() => new Array<number>(total).fill(1)),
      ),
    };
    this.#past.forEach((past, i) => {
      feeds[this.#name(this.#config.inputs.past_names, i)] = past;
    });
    const out = await this.#session.run(feeds);
    this.#past = this.#past.map((_, i) => out[this.#name(this.#config.outputs.present_names, i)]!);
    this.#length = total;
    return lastPositionLogits(out.logits!);
  }

  reorder(from: readonly number[]): void {
    this.#past = this.#past.map((past) => reorderRows(past, 1, from));
  }

  release(): Promise<void> {
    return this.#session.release();
  }
}
