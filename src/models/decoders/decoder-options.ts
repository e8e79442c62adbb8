import {
  outOfRange,
  requireFinite,
  requireInteger,
  requireOptions,
  requireSeed,
} from '../model-options.js';

/** Sizes of a generated transformer; tiny unless told, so that tests load it in milliseconds. */
export interface TransformerOptions {
  readonly seed: number;
  /** Vocabulary size, special tokens included; 64 unless told. */
  readonly vocab?: number;
  /** Model width (`hidden_size`, `d_model`); 32 unless told. A multiple of `heads`. */
  readonly width?: number;
  /** Attention heads; 4 unless told. */
  readonly heads?: number;
  /** Decoder layers; 2 unless told. */
  readonly layers?: number;
  /** Width of the MLP; 4 × width unless told. */
  readonly ffn?: number;
  /** Learned positions (`max_position_embeddings`); 256 unless told. */
  readonly maxPositions?: number;
  /**
   * Added to the end token's logit, so that generations end within a few tokens (tests of
   * finished hypotheses need them); 0 unless told.
   */
  readonly eosBias?: number;
}

export type TransformerParams = Required<TransformerOptions> & { readonly headDim: number };

/** The special token ids of every generated folder: they head the vocabulary. */
export const SPECIAL_TOKENS = { pad: 0, bos: 1, eos: 2, unk: 3 } as const;

export function transformerParams(options: TransformerOptions): TransformerParams {
  options = requireOptions(options);
  const heads = requireInteger('heads', options.heads ?? 4, 1);
  const width = requireInteger('width', options.width ?? 32, heads);
  if (width % heads !== 0) {
    outOfRange('width', `width must be a multiple of heads (${heads}), got ${width}`);
  }
  return {
    seed: requireSeed(options.seed),
    vocab: requireInteger('vocab', options.vocab ?? 64, Object.keys(SPECIAL_TOKENS).length + 1),
    width,
    heads,
    layers: requireInteger('layers', options.layers ?? 2, 1),
    ffn: requireInteger('ffn', options.ffn ?? 4 * width, 1),
    maxPositions: requireInteger('maxPositions', options.maxPositions ?? 256, 1),
    eosBias: requireFinite('eosBias', options.eosBias ?? 0),
    headDim: width / heads,
  };
}
