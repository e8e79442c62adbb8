/** Options of one call to an actor. */
export interface CallOptions {
  /** Milliseconds from the call until it must be answered; TimeoutError after. */
  readonly timeout?: number;
  /** Cancels the call: queued work is dropped, running work is abandoned and its outputs freed. */
  readonly signal?: AbortSignal;
}
