/**
 * Every error the runtime raises on purpose. Each has a stable `code` that callers can switch on,
 * and a message that names the actor, the tensor or the parameter, what was expected and what came.
 *
 * Errors cross threads as {@link SerializedError} and are rebuilt by {@link reviveError} into the
 * same class, so `instanceof` and `code` work on the caller's side of a worker boundary.
 */
export class RoundtableError extends Error {
  readonly code: string = 'ERR_ROUNDTABLE';
  override name = 'RoundtableError';
}

/** A tensor descriptor that does not point at a live block of the arena. */
export class DescriptorError extends RoundtableError {
  override readonly code: string = 'ERR_DESCRIPTOR';
  override name = 'DescriptorError';
}

/** The arena could not give the bytes asked for. */
export class ArenaFullError extends RoundtableError {
  override readonly code = 'ERR_ARENA_FULL';
  override name = 'ArenaFullError';
}

/** This thread's Arena object was closed: its map of the slabs is gone (other threads keep theirs). */
export class ArenaClosedError extends RoundtableError {
  override readonly code = 'ERR_ARENA_CLOSED';
  override name = 'ArenaClosedError';
}

/** A feed that does not match the model's inputs (name, dtype, rank or a fixed dimension). */
export class FeedError extends RoundtableError {
  override readonly code = 'ERR_FEED';
  override name = 'FeedError';
}

/** A model that ONNX Runtime could not load: not ONNX, truncated, or an unsupported operator. */
export class ModelLoadError extends RoundtableError {
  override readonly code = 'ERR_MODEL_LOAD';
  override name = 'ModelLoadError';
}

/** A model folder's tokenizer that cannot be loaded: no `tokenizer.json`, or one that does not parse. */
export class TokenizerError extends RoundtableError {
  override readonly code = 'ERR_TOKENIZER';
  override name = 'TokenizerError';
}

/** ONNX Runtime failed while running a model that had loaded. */
export class InferenceError extends RoundtableError {
  override readonly code = 'ERR_INFERENCE';
  override name = 'InferenceError';
}

/** Batching asked of a model that cannot be batched: an input without a free first dimension. */
export class BatchingError extends RoundtableError {
  override readonly code = 'ERR_BATCHING';
  override name = 'BatchingError';
}

/** The mailbox was full and its policy is to reject. */
export class MailboxFullError extends RoundtableError {
  override readonly code = 'ERR_MAILBOX_FULL';
  override name = 'MailboxFullError';
}

/** A call did not finish within its timeout or deadline. */
export class TimeoutError extends RoundtableError {
  override readonly code = 'ERR_TIMEOUT';
  override name = 'TimeoutError';
}

/** A call was cancelled through its AbortSignal. */
export class AbortError extends RoundtableError {
  override readonly code = 'ERR_ABORTED';
  override name = 'AbortError';
}

/** The worker running an actor died while a message was in flight. */
export class ActorCrashedError extends RoundtableError {
  override readonly code = 'ERR_ACTOR_CRASHED';
  override name = 'ActorCrashedError';
}

/** A message was sent to an actor that has stopped (closed, or past its restart limit). */
export class ActorStoppedError extends RoundtableError {
  override readonly code = 'ERR_ACTOR_STOPPED';
  override name = 'ActorStoppedError';
}

/** A plan that does not validate, or that names actors or tensors that do not exist. */
export class PlanError extends RoundtableError {
  override readonly code = 'ERR_PLAN';
  override name = 'PlanError';
}

/** A round could not go on: fewer steps answered than its quorum, or a step failed. */
export class RoundError extends RoundtableError {
  override readonly code = 'ERR_ROUND';
  override name = 'RoundError';
}

/** Fusion could not combine the outputs it was given (shapes differ, NaN/Inf, no quorum). */
export class FusionError extends RoundtableError {
  override readonly code = 'ERR_FUSION';
  override name = 'FusionError';
}

/**
 * The fusion kernels' WebAssembly could not be loaded: the built `.wasm` is missing, older than
 * its `.wat` source, or does not compile on this engine although the engine has SIMD.
 */
export class KernelLoadError extends RoundtableError {
  override readonly code = 'ERR_KERNEL_LOAD';
  override name = 'KernelLoadError';
}

/** An exception thrown by user code inside a custom actor, carried across the thread boundary. */
export class ActorError extends RoundtableError {
  override readonly code = 'ERR_ACTOR';
  override name = 'ActorError';
}

/** A model folder that matches no known layout, or misses a file or a name the layout needs. */
export class ModelFolderError extends RoundtableError {
  override readonly code = 'ERR_MODEL_FOLDER';
  override name = 'ModelFolderError';
}

/** A sequence asked of a decoder after it was closed by its caller. */
export class SequenceClosedError extends RoundtableError {
  override readonly code = 'ERR_SEQUENCE_CLOSED';
  override name = 'SequenceClosedError';
}

/** A sequence whose state the decoder dropped because it stayed idle past its deadline. */
export class SequenceEvictedError extends RoundtableError {
  override readonly code = 'ERR_SEQUENCE_EVICTED';
  override name = 'SequenceEvictedError';
}

/** A sequence handle older than the sequence's state (another step or reorder came first). */
export class StaleSequenceError extends RoundtableError {
  override readonly code = 'ERR_SEQUENCE_STALE';
  override name = 'StaleSequenceError';
}

/** A decoder step that would take the actor's key/value caches past its byte budget. */
export class DecoderBudgetError extends RoundtableError {
  override readonly code = 'ERR_DECODER_BUDGET';
  override name = 'DecoderBudgetError';
}

/** Decoders asked to collaborate whose vocabularies differ. */
export class VocabularyMismatchError extends RoundtableError {
  override readonly code = 'ERR_VOCABULARY_MISMATCH';
  override name = 'VocabularyMismatchError';
}

/** A message from another process that does not hold what it claims: a malformed tensor encoding. */
export class WireError extends RoundtableError {
  override readonly code = 'ERR_WIRE';
  override name = 'WireError';
}

/** A message larger than the transport accepts (NATS `max_payload`); the message names the limit. */
export class PayloadTooLargeError extends RoundtableError {
  override readonly code = 'ERR_PAYLOAD_TOO_LARGE';
  override name = 'PayloadTooLargeError';
}

/**
 * A remote actor's server could not be reached: refused, reset, gone mid-call or not ready (HTTP),
 * no responders or the connection lost (NATS).
 */
export class RemoteUnavailableError extends RoundtableError {
  override readonly code = 'ERR_REMOTE_UNAVAILABLE';
  override name = 'RemoteUnavailableError';
}

/**
 * A remote model's server answered with an error, or with a reply that does not hold what it
 * should. `status` is the HTTP status (0 when the reply was malformed rather than refused).
 */
export class RemoteError extends RoundtableError {
  override readonly code = 'ERR_REMOTE';
  override name = 'RemoteError';
  readonly status: number;
  constructor(message: string, status = 0) {
    super(message);
    this.status = status;
  }
}

/**
 * A wrong argument to a public method, refused at the door: `argument` names it as the caller wrote
 * it (`options.timeout`, `prompt[2]`) and the message says what was expected and what came.
 */
export class ArgumentError extends RoundtableError {
  override readonly code = 'ERR_ARGUMENT';
  override name = 'ArgumentError';
  readonly argument: string;
  constructor(message: string, argument = '', options?: ErrorOptions) {
    super(message, options);
    this.argument = argument;
  }
}

/** A speculative generation was asked with an option out of its range (k, its bounds, sampling, lengths). */
export class SpeculativeOptionError extends RoundtableError {
  override readonly code = 'ERR_SPECULATIVE_OPTION';
  override name = 'SpeculativeOptionError';
}

/** The shape in which an error crosses a thread boundary. */
export interface SerializedError {
  readonly name: string;
  readonly code: string;
  readonly message: string;
  readonly stack?: string | undefined;
}

const classes: Record<string, new (message: string) => RoundtableError> = {
  DescriptorError,
  ArenaFullError,
  ArenaClosedError,
  FeedError,
  ModelLoadError,
  TokenizerError,
  InferenceError,
  BatchingError,
  MailboxFullError,
  TimeoutError,
  AbortError,
  ActorCrashedError,
  ActorStoppedError,
  PlanError,
  RoundError,
  FusionError,
  KernelLoadError,
  ActorError,
  ModelFolderError,
  SequenceClosedError,
  SequenceEvictedError,
  StaleSequenceError,
  DecoderBudgetError,
  VocabularyMismatchError,
  WireError,
  PayloadTooLargeError,
  RemoteUnavailableError,
  RemoteError,
  ArgumentError,
  SpeculativeOptionError,
};

export function serializeError(error: unknown): SerializedError {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return {
      name: error.name,
      code: typeof code === 'string' ? code : 'ERR_ACTOR',
      message: error.message,
      stack: error.stack,
    };
  }
  return { name: 'ActorError', code: 'ERR_ACTOR', message: `non-error thrown: ${String(error)}` };
}

/** Rebuilds a real error of the original class; unknown classes become {@link ActorError}. */
export function reviveError(shape: SerializedError): RoundtableError {
  const Class = classes[shape.name] ?? ActorError;
  const error = new Class(shape.message);
  if (!(shape.name in classes)) error.message = `${shape.name}: ${shape.message}`;
  if (shape.stack) error.stack = shape.stack;
  return error;
}
