/**
 * The plain way to decode a model folder: onnxruntime-node on the calling thread, the cache kept
 * in plain tensors between steps, greedy or Hugging Face's beam search written out step by step.
 * Free of vitest, so the bench can use it too. What the decoder actor must reproduce.
 *
 * Layouts: onnxruntime-genai (`genai_config.json`), Optimum decoder-only (`config.json` with
 * `decoder_model_merged.onnx` or the split pair), Optimum encoder–decoder (`encoder_model.onnx`).
 * For an encoder–decoder folder the prompt is the source sentence and `ids` are the decoder's
 * tokens, starting with `decoder_start_token_id` (as Hugging Face returns them).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DecoderState } from './plain-decoder/decoder-state.js';
import { EncoderDecoderState } from './plain-decoder/encoder-decoder-state.js';
import { GenaiState, readGenaiConfig } from './plain-decoder/genai-state.js';
import { type OptimumForm, OptimumState } from './plain-decoder/optimum-state.js';
import {
  beamSearch,
  type EarlyStopping,
  greedy,
  type PlainSequence,
} from './plain-decoder/search.js';

export { logSoftmax } from './plain-decoder/search.js';
export type { DecoderState, EarlyStopping, OptimumForm, PlainSequence };
export { EncoderDecoderState, GenaiState, OptimumState };

export type FolderLayout = 'genai' | 'optimum' | 'encoder-decoder';

export interface PlainDecodeOptions {
  /** Counts the prompt (the decoder's prompt for an encoder–decoder model). */
  readonly maxLength: number;
  /** 1 (greedy) unless told. */
  readonly numBeams?: number;
  readonly lengthPenalty?: number;
  readonly earlyStopping?: EarlyStopping;
  readonly numReturnSequences?: number;
  /** The folder's end token unless told. */
  readonly eos?: number;
  /** Which Optimum files to run; the merged one when present unless told. */
  readonly form?: OptimumForm;
}

export function folderLayout(dir: string): FolderLayout {
  if (existsSync(join(dir, 'genai_config.json'))) return 'genai';
  if (existsSync(join(dir, 'encoder_model.onnx'))) return 'encoder-decoder';
  if (existsSync(join(dir, 'config.json'))) return 'optimum';
  throw new Error(`${dir} has neither genai_config.json nor config.json`);
}

/** The folder's end token and, for an encoder–decoder model, its first decoder token. */
function folderTokens(dir: string, layout: FolderLayout): { eos: number; start?: number } {
  if (layout === 'genai') return { eos: readGenaiConfig(dir).model.eos_token_id };
  const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as {
    eos_token_id: number;
    decoder_start_token_id?: number;
  };
  return layout === 'encoder-decoder'
    ? { eos: config.eos_token_id, start: config.decoder_start_token_id ?? 0 }
    : { eos: config.eos_token_id };
}

/** Opens the folder's model with `rows` copies of the prompt (one per beam). */
export async function openState(
  dir: string,
  prompt: readonly number[],
  rows: number,
  form?: OptimumForm,
): Promise<DecoderState> {
  const layout = folderLayout(dir);
  if (layout === 'genai') return GenaiState.open(dir, prompt, rows);
  if (layout === 'optimum') return OptimumState.open(dir, prompt, rows, form);
  return EncoderDecoderState.open(dir, prompt, rows, form);
}

/** Decodes `prompt` with the folder's model: greedy when numBeams is 1, else beam search. */
export async function plainDecode(
  dir: string,
  prompt: readonly number[],
  options: PlainDecodeOptions,
): Promise<PlainSequence[]> {
  const layout = folderLayout(dir);
  const tokens = folderTokens(dir, layout);
  const numBeams = options.numBeams ?? 1;
  const decoderPrompt = layout === 'encoder-decoder' ? [tokens.start ?? 0] : prompt;
  const state = await openState(dir, prompt, numBeams, options.form);
  try {
    const search = { ...options, eos: options.eos ?? tokens.eos, numBeams };
    if (numBeams === 1) return [await greedy(state, decoderPrompt, search)];
    return await beamSearch(state, decoderPrompt, search);
  } finally {
    await state.release();
  }
}

export { RecomputeState, type WindowRun } from './plain-decoder/recompute-state.js';
export { beamSearch, greedy } from './plain-decoder/search.js';
export { genaiWindowRun, optimumWindowRun, seq2seqWindowRun } from './plain-decoder/window-runs.js';
