/**
 * Turns what a comlink call rejected with into the runtime's typed errors, naming the actor and the
 * method. comlink rebuilds an error thrown in the worker as a plain `Error` carrying the original
 * `name`, `message` and `stack`; the class and any `code` are lost on the way.
 */
import { ActorError, ArgumentError, RoundtableError, reviveError } from '../../errors.js';
import { UNCLONABLE_REPLY } from './custom-protocol.js';

const RUNTIME_ERRORS = new Set([
  'DescriptorError',
  'ArenaFullError',
  'FeedError',
  'ModelLoadError',
  'InferenceError',
  'MailboxFullError',
  'TimeoutError',
  'AbortError',
  'ActorCrashedError',
  'ActorStoppedError',
  'PlanError',
  'FusionError',
]);

export function callError(actor: string, method: string, error: unknown): Error {
  const where = `actor "${actor}": ${method}()`;
  // Raised by the runtime on this side (a full mailbox, a stop): already typed and named.
  if (error instanceof RoundtableError) return error;
  if (!(error instanceof Error)) {
    return new ActorError(`${where} threw a non-error value: ${describe(error)}`, { cause: error });
  }
  if (error instanceof DOMException && error.name === 'DataCloneError') {
    // Thrown here, by this thread's postMessage: the arguments are what could not be cloned.
    const refused = new ArgumentError(
      `${where}: the arguments cannot be sent to the worker: ${error.message}`,
      'args',
    );
    refused.cause = error;
    return refused;
  }
  const marker = (error as { marker?: unknown }).marker;
  if (marker === UNCLONABLE_REPLY || isComlinkUnserializable(error)) {
    return new ActorError(
      `${where} returned a value that cannot be sent back to the caller (structured clone ` +
        `refuses functions, symbols and objects holding them): ${error.message}`,
      { cause: error },
    );
  }
  if (RUNTIME_ERRORS.has(error.name)) {
    return reviveError({
      name: error.name,
      code: '',
      message: `${where}: ${error.message}`,
      stack: error.stack,
    });
  }
  return new ActorError(`${where} threw ${error.name}: ${error.message}`, { cause: error });
}

/** comlink's own answer when a reply cannot be posted and the port adapter could not say why. */
function isComlinkUnserializable(error: Error): boolean {
  return error.name === 'TypeError' && error.message === 'Unserializable return value';
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
