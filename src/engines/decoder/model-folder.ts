import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ModelFolderError } from '../../errors.js';

/** Which published layout a folder follows. */
export type FolderLayout =
  | 'genai' // onnxruntime-genai: genai_config.json + one decoder with past_%d/present_%d
  | 'optimum-merged' // decoder_model_merged.onnx with use_cache_branch
  | 'optimum-split' // decoder_model.onnx (first step) + decoder_with_past_model.onnx
  | 'optimum-seq2seq'; // encoder_model.onnx + a merged or split decoder

/** Search defaults a folder ships (genai `search`, or Optimum's generation_config.json). */
export interface SearchDefaults {
  readonly numBeams?: number;
  readonly lengthPenalty?: number;
  readonly earlyStopping?: boolean | 'never';
  readonly maxLength?: number;
  readonly numReturnSequences?: number;
}

/** A model folder as published, read into what a decoder actor needs to start. */
export interface DecoderFolder {
  readonly dir: string;
  readonly layout: FolderLayout;
  /** The decoder run at every step (the merged one, or the one with past for a split folder). */
  readonly decoder: string;
  /** The split layout's decoder without past, run for the prompt. */
  readonly firstDecoder?: string;
  readonly encoder?: string;
  /**
   * How cache inputs are named, as templates with `%d` for the layer (genai); Optimum names are
   * recognised by their prefix, so these are absent there.
   */
  readonly pastTemplate?: string;
  readonly presentTemplate?: string;
  readonly bos?: number;
  readonly eos: readonly number[];
  readonly pad?: number;
  /** The first decoder token of an encoder–decoder model (Marian: the pad token). */
  readonly decoderStart?: number;
  readonly vocabSize?: number;
  readonly contextLength?: number;
  readonly search: SearchDefaults;
  readonly tokenizer?: string;
}

type Json = Record<string, unknown>;

/**
 * Reads a model folder: the onnxruntime-genai layout (`genai_config.json`) first, then Hugging
 * Face Optimum's (`config.json` + ONNX files named as Optimum exports them). A folder that matches
 * neither is a ModelFolderError naming the file it looked for.
 */
export function readModelFolder(dir: string): DecoderFolder {
  const root = resolve(dir);
  if (!existsSync(root)) throw new ModelFolderError(`model folder ${dir}: does not exist`);
  if (existsSync(join(root, 'genai_config.json'))) return readGenai(root);
  if (existsSync(join(root, 'config.json'))) return readOptimum(root);
  throw new ModelFolderError(
    `model folder ${dir}: neither genai_config.json (onnxruntime-genai) nor config.json (Hugging Face Optimum) is there`,
  );
}

function readJson(file: string): Json {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Json;
  } catch (error) {
    throw new ModelFolderError(`${file}: not readable JSON (${(error as Error).message})`);
  }
}

function need(root: string, name: string, why: string): string {
  const file = join(root, name);
  if (!existsSync(file))
    throw new ModelFolderError(`model folder ${root}: ${name} missing (${why})`);
  return file;
}

function int(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) ? value : undefined;
}

function ints(value: unknown): number[] {
  if (Array.isArray(value)) return value.filter((v): v is number => int(v) !== undefined);
  const one = int(value);
  return one === undefined ? [] : [one];
}

function earlyStopping(value: unknown): boolean | 'never' | undefined {
  return typeof value === 'boolean' || value === 'never' ? value : undefined;
}

function searchOf(json: Json): SearchDefaults {
  const num = (key: string) => (typeof json[key] === 'number' ? (json[key] as number) : undefined);
  return definedOnly({
    numBeams: int(json.num_beams),
    lengthPenalty: num('length_penalty'),
    earlyStopping: earlyStopping(json.early_stopping),
    maxLength: int(json.max_length),
    numReturnSequences: int(json.num_return_sequences),
  });
}

/** Drops undefined fields (exactOptionalPropertyTypes). */
function definedOnly<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function tokenizerIn(root: string): string | undefined {
  const file = join(root, 'tokenizer.json');
  return existsSync(file) ? file : undefined;
}

function readGenai(root: string): DecoderFolder {
  const config = readJson(join(root, 'genai_config.json'));
  const model = config.model as Json | undefined;
  const decoder = model?.decoder as Json | undefined;
  if (!model || !decoder) {
    throw new ModelFolderError(`${join(root, 'genai_config.json')}: no model.decoder section`);
  }
  const filename = decoder.filename;
  if (typeof filename !== 'string') {
    throw new ModelFolderError(
      `${join(root, 'genai_config.json')}: model.decoder.filename missing`,
    );
  }
  const inputs = (decoder.inputs ?? {}) as Json;
  const outputs = (decoder.outputs ?? {}) as Json;
  const past = inputs.past_names ?? inputs.past_key_names;
  const present = outputs.present_names ?? outputs.present_key_names;
  return definedOnly({
    dir: root,
    layout: 'genai' as const,
    decoder: need(root, filename, 'named by model.decoder.filename in genai_config.json'),
    pastTemplate: typeof past === 'string' ? past : undefined,
    presentTemplate: typeof present === 'string' ? present : undefined,
    bos: int(model.bos_token_id),
    eos: ints(model.eos_token_id),
    pad: int(model.pad_token_id),
    decoderStart: int(model.decoder_start_token_id),
    vocabSize: int(model.vocab_size),
    contextLength: int(model.context_length),
    search: searchOf((config.search ?? {}) as Json),
    tokenizer: tokenizerIn(root),
  });
}

function readOptimum(root: string): DecoderFolder {
  const config = readJson(join(root, 'config.json'));
  const generationFile = join(root, 'generation_config.json');
  const generation = existsSync(generationFile) ? readJson(generationFile) : {};
  const token = (key: string) => int(generation[key]) ?? int(config[key]);
  const has = (name: string) => existsSync(join(root, name));
  const encoder = has('encoder_model.onnx') ? join(root, 'encoder_model.onnx') : undefined;
  let decoder: string;
  let firstDecoder: string | undefined;
  if (has('decoder_model_merged.onnx')) {
    decoder = join(root, 'decoder_model_merged.onnx');
  } else if (has('decoder_with_past_model.onnx')) {
    decoder = join(root, 'decoder_with_past_model.onnx');
    firstDecoder = need(root, 'decoder_model.onnx', 'the split layout runs it for the prompt');
  } else {
    throw new ModelFolderError(
      `model folder ${root}: config.json is there but no decoder_model_merged.onnx, nor decoder_with_past_model.onnx + decoder_model.onnx (Hugging Face Optimum layout)`,
    );
  }
  const eos = ints(generation.eos_token_id);
  return definedOnly({
    dir: root,
    layout: encoder
      ? ('optimum-seq2seq' as const)
      : firstDecoder
        ? ('optimum-split' as const)
        : ('optimum-merged' as const),
    decoder,
    firstDecoder,
    encoder,
    bos: token('bos_token_id'),
    eos: eos.length > 0 ? eos : ints(config.eos_token_id),
    pad: token('pad_token_id'),
    decoderStart: token('decoder_start_token_id'),
    vocabSize: int(config.vocab_size),
    contextLength:
      int(config.max_position_embeddings) ?? int(config.n_positions) ?? int(config.n_ctx),
    search: searchOf(generation),
    tokenizer: tokenizerIn(root),
  });
}
