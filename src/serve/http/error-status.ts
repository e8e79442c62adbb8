import {
  ActorStoppedError,
  FeedError,
  MailboxFullError,
  RemoteUnavailableError,
} from '../../errors.js';

/**
 * The HTTP status of a failed request, per the protocol: 400 for a request that does not fit
 * the model, 503 when the model cannot take it now, 500 for the rest.
 */
export function statusOfError(error: unknown): number {
  if (error instanceof FeedError) return 400;
  if (
    error instanceof MailboxFullError ||
    error instanceof ActorStoppedError ||
    error instanceof RemoteUnavailableError
  )
    return 503;
  return 500;
}
