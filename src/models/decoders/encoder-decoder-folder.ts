import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { requireDir, requireOptions } from '../model-options.js';
import { SPECIAL_TOKENS, type TransformerOptions, transformerParams } from './decoder-options.js';
import {
  type EncoderDecoderGraphKind,
  encoderDecoderFileNames,
  encoderDecoderGraph,
} from './encoder-decoder-graphs.js';
import { writeFolderJson } from './folder-json.js';

export interface EncoderDecoderFolderOptions extends TransformerOptions {
  /** `merged` writes `decoder_model_merged.onnx`, `split` the two decoder files, `both` all three. */
  readonly form?: 'merged' | 'split' | 'both';
}

/**
 * Writes an encoder–decoder (translation) model folder laid out as Optimum exports Marian:
 * `encoder_model.onnx`, `decoder_model.onnx` and `decoder_with_past_model.onnx` and/or
 * `decoder_model_merged.onnx` (`use_cache_branch` picks the branch), `config.json`
 * (`model_type: "marian"`), `generation_config.json` and a word-level `tokenizer.json`. `layers`
 * counts the encoder's layers and the decoder's each. As in Marian, decoding starts from the pad
 * token. Returns the files written.
 */
export async function writeEncoderDecoderFolder(
  dir: string,
  options: EncoderDecoderFolderOptions,
): Promise<string[]> {
  dir = requireDir(dir);
  options = requireOptions(options);
  const params = transformerParams(options);
  const form = options.form ?? 'both';
  const kinds: EncoderDecoderGraphKind[] = ['encoder'];
  if (form !== 'merged') kinds.push('decoder', 'with-past');
  if (form !== 'split') kinds.push('merged');
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  for (const kind of kinds) {
    await writeFile(join(dir, encoderDecoderFileNames[kind]), encoderDecoderGraph(params, kind));
    written.push(encoderDecoderFileNames[kind]);
  }
  const config = {
    architectures: ['MarianMTModel'],
    model_type: 'marian',
    is_encoder_decoder: true,
    vocab_size: params.vocab,
    decoder_vocab_size: params.vocab,
    d_model: params.width,
    encoder_layers: params.layers,
    decoder_layers: params.layers,
    encoder_attention_heads: params.heads,
    decoder_attention_heads: params.heads,
    encoder_ffn_dim: params.ffn,
    decoder_ffn_dim: params.ffn,
    max_position_embeddings: params.maxPositions,
    bos_token_id: SPECIAL_TOKENS.bos,
    eos_token_id: SPECIAL_TOKENS.eos,
    pad_token_id: SPECIAL_TOKENS.pad,
    decoder_start_token_id: SPECIAL_TOKENS.pad,
    share_encoder_decoder_embeddings: true,
    use_cache: true,
    roundtable_seed: params.seed,
  };
  const generation = {
    bos_token_id: SPECIAL_TOKENS.bos,
    eos_token_id: SPECIAL_TOKENS.eos,
    pad_token_id: SPECIAL_TOKENS.pad,
    decoder_start_token_id: SPECIAL_TOKENS.pad,
    max_length: Math.min(params.maxPositions, 64),
  };
  written.push(...(await writeFolderJson(dir, params.vocab, config, generation)));
  return written;
}
