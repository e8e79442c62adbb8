import type { RestartOptions } from '../../actor/restart-budget.js';
import type { StepPositions } from './decoder-protocol.js';
import type { DecoderFolder } from './model-folder.js';

export interface DecoderOptions {
  /** A model folder as published (onnxruntime-genai or Optimum layout), or one already read. */
  readonly folder: string | DecoderFolder;
  /** Workers, each holding the sequences opened on it. Default 1, at most 1024. */
  readonly replicas?: number;
  /** Bytes of key/value cache the actor holds at most, all sequences together. Default: no limit. */
  readonly budgetBytes?: number;
  /** A sequence untouched this long is evicted (its cache dropped). Default: never. */
  readonly idleMs?: number;
  readonly restart?: RestartOptions;
  /** Messages waiting or running on one replica at most; past it MailboxFullError. Default 64. */
  readonly capacity?: number;
  /** ONNX Runtime threads per session; default ONNX Runtime's own. */
  readonly intraOpNumThreads?: number;
}

/**
 * What a caller holds of an open sequence. A handle is for one state of the sequence: each step,
 * reorder or rewind returns the next handle, and using an older one is a StaleSequenceError.
 */
export interface SequenceHandle {
  readonly actor: string;
  readonly id: number;
  readonly generation: number;
  /** Rows (beams) the sequence has now. */
  readonly rows: number;
  /** Positions in its cache. */
  readonly length: number;
}

export interface DecoderStep {
  readonly sequence: SequenceHandle;
  /**
   * rows × vocabulary log-probabilities of the next token (absent when `topK` was asked); with
   * `positions: 'all'`, rows × appended tokens × vocabulary: the distribution after each of them.
   */
  readonly logprobs?: Float32Array;
  /** With `topK`: rows (× appended tokens) × k token ids and their log-probabilities, best first. */
  readonly topIds?: Int32Array;
  readonly topLogprobs?: Float32Array;
}

export interface StepOptions {
  /** Return only the k most likely tokens of each row. */
  readonly topK?: number;
  /**
   * 'last' (default): the distribution after the last appended token. 'all': one after each
   * appended token, so that k proposed tokens are scored in one run (speculative decoding).
   */
  readonly positions?: StepPositions;
  /**
   * Positions dropped before the tokens are appended, as `rewind()` would, in the same message:
   * a speculative verifier drops the proposals it rejected with its next step.
   */
  readonly rewind?: number;
}

/** What {@link DecoderActor.propose} chooses and how. */
export interface ProposeOptions {
  /** Tokens chosen, each fed back before the next is chosen; the last is not fed. 1 to 1024. */
  readonly count: number;
  /** Positions dropped before `tokens` are appended. Default 0. */
  readonly rewind?: number;
  /**
   * Sampling: one uniform number in [0, 1) per proposal, each drawing its token from the
   * distribution softened by `temperature`. Without it, each proposal is the most likely token.
   */
  readonly sampling?: { readonly uniforms: readonly number[]; readonly temperature: number };
  /** Also answer the distribution each proposal was chosen from. Default false. */
  readonly distributions?: boolean;
}

export interface DecoderProposal {
  readonly sequence: SequenceHandle;
  /** The tokens chosen, in order. */
  readonly tokens: Int32Array;
  /** With `distributions`: count × vocabulary log-probabilities, the row each token came from. */
  readonly logprobs?: Float32Array;
}
