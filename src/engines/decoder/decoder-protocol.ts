/**
 * The conversation between a decoder actor and one of its workers. A step carries token ids in and
 * the last position's log-probabilities out (a transferred Float32Array, rows × vocabulary), or every
 * appended position's when asked, never the window; the caches stay in the worker. A step may
 * first drop positions (`rewind`), and a proposal chooses several tokens in the worker, one run
 * each, so that a speculative round costs each decoder one message.
 */
import type { IoMetadata } from '../../actor/protocol.js';
import type { SerializedError } from '../../errors.js';
import type { DecoderFolder } from './model-folder.js';

export interface DecoderWorkerData {
  readonly actor: string;
  readonly folder: DecoderFolder;
  readonly nativeGuard: SharedArrayBuffer;
  readonly nice: number;
  readonly faultInjection: boolean;
  readonly intraOpNumThreads?: number;
}

/**
 * Which positions of a run are answered: the last (the next token's distribution), or every
 * appended one (a speculative verifier scores k proposed tokens in one run).
 */
export type StepPositions = 'last' | 'all';

/** What every sequence message names: the sequence, and the state generation the caller saw. */
interface SequenceMessage {
  readonly id: number;
  readonly seq: number;
  readonly generation: number;
}

export type ToDecoderWorker =
  | {
      readonly type: 'open';
      readonly id: number;
      readonly seq: number;
      /** The prompt of each row (all of one length). */
      readonly rows: readonly (readonly number[])[];
      /** Encoder–decoder: the source ids of each row, encoded once and kept with the state. */
      readonly source?: readonly (readonly number[])[];
      readonly topK?: number;
      readonly positions?: StepPositions;
    }
  | (SequenceMessage & {
      readonly type: 'step';
      readonly tokens: readonly (readonly number[])[];
      readonly topK?: number;
      readonly positions?: StepPositions;
      /** Positions dropped before the tokens are appended (0: none). */
      readonly rewind?: number;
    })
  | (SequenceMessage & {
      readonly type: 'propose';
      /** Positions dropped first (0: none). */
      readonly rewind: number;
      /** Appended next (one row, not empty); the first proposal is chosen after the last of them. */
      readonly tokens: readonly number[];
      /** Tokens chosen, each fed back before the next is chosen; the last is not fed. */
      readonly count: number;
      /** Sampling: one uniform number in [0, 1) per proposal, and the temperature. Greedy without. */
      readonly sampling?: { readonly uniforms: readonly number[]; readonly temperature: number };
      /** Answer the distribution each proposal was chosen from (count × vocabulary). */
      readonly distributions: boolean;
    })
  | (SequenceMessage & { readonly type: 'reorder'; readonly rows: readonly number[] })
  | (SequenceMessage & { readonly type: 'rewind'; readonly count: number })
  | { readonly type: 'close'; readonly id: number; readonly seq: number }
  | { readonly type: 'fault'; readonly fault: 'exit' }
  | { readonly type: 'shutdown' };

/** A sequence's state after a message: what the caller's next handle says. */
export interface SequenceAnswer {
  readonly seq: number;
  readonly generation: number;
  readonly rows: number;
  readonly length: number;
  /** Bytes of this sequence's caches (and encoder output) in the worker now. */
  readonly bytes: number;
  /**
   * rows × vocabulary log-probabilities of the last position (open and step without topK); with
   * positions 'all', rows × positions × vocabulary, one distribution after each appended token.
   */
  readonly logprobs?: Float32Array;
  /** With topK: rows (× positions) × k token ids and their log-probabilities, best first. */
  readonly topIds?: Int32Array;
  readonly topLogprobs?: Float32Array;
  /** A proposal's tokens; `logprobs` then holds the distribution each was chosen from, if asked. */
  readonly proposals?: Int32Array;
}

export type FromDecoderWorker =
  | {
      readonly type: 'ready';
      readonly vocab: number;
      readonly bytesPerToken: number;
      readonly inputs: readonly IoMetadata[];
      readonly outputs: readonly IoMetadata[];
    }
  | { readonly type: 'load-error'; readonly error: SerializedError }
  | ({ readonly type: 'answer'; readonly id: number } & SequenceAnswer)
  | { readonly type: 'closed'; readonly id: number }
  | { readonly type: 'failure'; readonly id: number; readonly error: SerializedError };
