import type { IoMetadata } from '../../actor/protocol.js';
import { ModelFolderError } from '../../errors.js';

/** A dimension of a cache tensor: fixed, or one the decoder fills per sequence. */
export type CacheDim = number | 'batch' | 'seq' | 'source';

/** One key/value cache tensor: fed back as `past` from the `present` of the run before. */
export interface CacheEntry {
  readonly past: string;
  readonly present: string;
  /** Cross-attention cache of an encoder–decoder: computed once from the source, never rewound. */
  readonly cross: boolean;
  readonly dtype: string;
  readonly dims: readonly CacheDim[];
}

/** An integer input whose element type the model decides (GPT-2 from genai: int32; Optimum: int64). */
export interface IdInput {
  readonly name: string;
  readonly dtype: 'int32' | 'int64';
}

/** How to feed one decoder session and read it back, decided from its own metadata. */
export interface DecoderIo {
  readonly inputIds: IdInput;
  readonly positionIds?: IdInput;
  readonly attentionMask?: IdInput;
  /** Optimum's merged decoder: bool[1], false for the first run (no past yet). */
  readonly useCacheBranch?: string;
  readonly encoderHiddenStates?: string;
  readonly encoderAttentionMask?: IdInput;
  readonly logits: string;
  readonly cache: readonly CacheEntry[];
  readonly vocab: number;
}

const ELEMENT_BYTES: Record<string, number> = { float32: 4, float16: 2, float64: 8 };

/** Bytes one token of one row adds to the self-attention cache. */
export function bytesPerToken(io: DecoderIo): number {
  let bytes = 0;
  for (const entry of io.cache) {
    if (entry.cross) continue;
    let elements = ELEMENT_BYTES[entry.dtype] ?? 4;
    for (const dim of entry.dims) if (typeof dim === 'number') elements *= dim;
    bytes += elements;
  }
  return bytes;
}

function idInput(file: string, input: IoMetadata | undefined): IdInput | undefined {
  if (!input) return undefined;
  if (input.dtype !== 'int32' && input.dtype !== 'int64') {
    throw new ModelFolderError(
      `${file}: input "${input.name}" is ${input.dtype}, expected int32 or int64`,
    );
  }
  return { name: input.name, dtype: input.dtype };
}

/** The present output that a past input is fed from, by the folder's template or by convention. */
function presentFor(past: string, pastTemplate?: string, presentTemplate?: string): string {
  if (pastTemplate && presentTemplate) {
    const pattern = new RegExp(
      `^${pastTemplate.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace('%d', '(\\d+)')}$`,
    );
    const match = pattern.exec(past);
    if (match) return presentTemplate.replace('%d', match[1]!);
  }
  if (past.startsWith('past_key_values')) return past.replace(/^past_key_values/, 'present');
  return past.replace(/^past/, 'present');
}

function cacheDims(file: string, input: IoMetadata, cross: boolean): CacheDim[] {
  const shape = input.shape;
  if (!shape) throw new ModelFolderError(`${file}: cache input "${input.name}" has no shape`);
  // Symbolic dimensions in order: the first is the batch, the second the sequence (the source's
  // for a cross-attention cache). Heads and head size are fixed in every export seen.
  let symbolic = 0;
  return shape.map((dim) => {
    if (typeof dim === 'number' && dim >= 0) return dim;
    symbolic++;
    if (symbolic === 1) return 'batch';
    if (symbolic === 2) return cross ? 'source' : 'seq';
    throw new ModelFolderError(
      `${file}: cache input "${input.name}" has more than two free dimensions (${shape.join(', ')})`,
    );
  });
}

/**
 * Reads a decoder session's inputs and outputs into a {@link DecoderIo}. Names follow onnxruntime-
 * genai (input_ids, position_ids, attention_mask, past_%d → present_%d) or Optimum
 * (past_key_values.{i}.key → present.{i}.key, use_cache_branch, encoder_hidden_states); ids and
 * masks take whatever integer type the model declares. A missing name is a ModelFolderError.
 */
export function decoderIo(
  file: string,
  inputs: readonly IoMetadata[],
  outputs: readonly IoMetadata[],
  templates: { readonly past?: string; readonly present?: string } = {},
): DecoderIo {
  const input = (name: string) => inputs.find((i) => i.name === name);
  const inputIds = idInput(file, input('input_ids'));
  if (!inputIds) {
    throw new ModelFolderError(
      `${file}: no input "input_ids" (inputs: ${inputs.map((i) => i.name).join(', ')})`,
    );
  }
  const logits = outputs.find((o) => o.name === 'logits');
  if (!logits) {
    throw new ModelFolderError(
      `${file}: no output "logits" (outputs: ${outputs.map((o) => o.name).join(', ')})`,
    );
  }
  const vocab = logits.shape?.[logits.shape.length - 1];
  if (typeof vocab !== 'number' || vocab <= 0) {
    throw new ModelFolderError(`${file}: output "logits" has no fixed vocabulary dimension`);
  }
  const cache: CacheEntry[] = [];
  for (const meta of inputs) {
    if (!meta.name.startsWith('past')) continue;
    const present = presentFor(meta.name, templates.past, templates.present);
    const cross = meta.name.includes('.encoder.');
    // The Optimum decoder-with-past of a seq2seq model takes the cross cache but does not return it.
    if (!cross && !outputs.some((o) => o.name === present)) {
      throw new ModelFolderError(`${file}: cache input "${meta.name}" has no output "${present}"`);
    }
    cache.push({
      past: meta.name,
      present,
      cross,
      dtype: meta.dtype ?? 'float32',
      dims: cacheDims(file, meta, cross),
    });
  }
  const hidden = input('encoder_hidden_states');
  return {
    inputIds,
    ...optional('positionIds', idInput(file, input('position_ids'))),
    ...optional('attentionMask', idInput(file, input('attention_mask'))),
    ...optional('useCacheBranch', input('use_cache_branch')?.name),
    ...optional('encoderHiddenStates', hidden?.name),
    ...optional('encoderAttentionMask', idInput(file, input('encoder_attention_mask'))),
    logits: logits.name,
    cache,
    vocab,
  };
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
