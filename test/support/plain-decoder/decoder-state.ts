/**
 * What a plain decoding loop needs from a model folder: the rows (beams) of one prompt, each
 * with its cache kept here on the calling thread between steps.
 */
export interface DecoderState {
  readonly vocab: number;
  /** Runs the prompt on every row; the last position's logits, one array per row. */
  prefill(): Promise<Float32Array[]>;
  /** Appends one token to each row; the new position's logits, one array per row. */
  step(tokens: readonly number[]): Promise<Float32Array[]>;
  /** Row i becomes the old row `from[i]` (a beam's parent); rows may repeat. */
  reorder(from: readonly number[]): void;
  release(): Promise<void>;
}

/** Special ids of a folder, read from its config files. */
export interface FolderTokens {
  readonly eos: number;
  /** The first decoder token of an encoder–decoder model; absent for a decoder-only one. */
  readonly decoderStart?: number;
}
