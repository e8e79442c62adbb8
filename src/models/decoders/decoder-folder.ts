import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { requireDir, requireOptions } from '../model-options.js';
import { decoderFileNames, decoderGraph, type LogitsHead } from './decoder-graphs.js';
import { SPECIAL_TOKENS, type TransformerOptions, transformerParams } from './decoder-options.js';
import { writeFolderJson } from './folder-json.js';

export interface DecoderFolderOptions extends TransformerOptions {
  /** `merged` writes `decoder_model_merged.onnx`, `split` the two files, `both` all three. */
  readonly form?: 'merged' | 'split' | 'both';
}

/**
 * Writes a decoder-only model folder laid out as Hugging Face Optimum exports one:
 * `config.json`, `generation_config.json`, the ONNX decoder file(s), and a word-level
 * `tokenizer.json` over the vocabulary (see word-tokenizer.ts). Returns the files written.
 * A `head` changes the logits of every file alike (the target of a draft/target pair).
 */
export async function writeDecoderFolder(
  dir: string,
  options: DecoderFolderOptions,
  head?: LogitsHead,
): Promise<string[]> {
  dir = requireDir(dir);
  options = requireOptions(options);
  const params = transformerParams(options);
  const form = options.form ?? 'both';
  const kinds =
    form === 'merged'
      ? (['merged'] as const)
      : form === 'split'
        ? (['decoder', 'with-past'] as const)
        : (['merged', 'decoder', 'with-past'] as const);
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  for (const kind of kinds) {
    await writeFile(join(dir, decoderFileNames[kind]), decoderGraph(params, kind, head));
    written.push(decoderFileNames[kind]);
  }
  const config = {
    architectures: ['GPT2LMHeadModel'],
    model_type: 'gpt2',
    vocab_size: params.vocab,
    hidden_size: params.width,
    num_hidden_layers: params.layers,
    num_attention_heads: params.heads,
    num_key_value_heads: params.heads,
    head_dim: params.headDim,
    intermediate_size: params.ffn,
    max_position_embeddings: params.maxPositions,
    // GPT-2's own names for the same sizes, which its transformers config reads.
    n_embd: params.width,
    n_layer: params.layers,
    n_head: params.heads,
    n_positions: params.maxPositions,
    bos_token_id: SPECIAL_TOKENS.bos,
    eos_token_id: SPECIAL_TOKENS.eos,
    pad_token_id: SPECIAL_TOKENS.pad,
    use_cache: true,
    roundtable_seed: params.seed,
  };
  const generation = {
    bos_token_id: SPECIAL_TOKENS.bos,
    eos_token_id: SPECIAL_TOKENS.eos,
    pad_token_id: SPECIAL_TOKENS.pad,
    max_length: Math.min(params.maxPositions, 64),
  };
  written.push(...(await writeFolderJson(dir, params.vocab, config, generation)));
  return written;
}
