import { type LongTimeout, longTimeout } from '../../util/long-timeout.js';

/**
 * A message's timeout and abort listener: what answers it early. Every kind of actor arms and
 * disarms them here, so a timeout above what one `setTimeout` honours (or Infinity) never fires
 * early (see long-timeout.ts) and no listener outlives its message.
 */
export interface Deadline {
  timer: LongTimeout | undefined;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

/** A RangeError naming the actor when `timeout` is given but not a positive number of ms. */
export function timeoutRefusal(where: string, timeout: number | undefined): RangeError | undefined {
  if (timeout === undefined || timeout > 0) return undefined;
  return new RangeError(`${where}: timeout must be > 0 ms, got ${timeout}`);
}

/**
 * Arms `deadline`: `onTimeout` after `timeout` ms, `onAbort` when `signal` aborts. The signal must
 * not be aborted already (the caller answers that case before arming).
 */
export function armDeadline(
  deadline: Deadline,
  timeout: number | undefined,
  signal: AbortSignal | undefined,
  onTimeout: () => void,
  onAbort: () => void,
): void {
  if (timeout !== undefined) deadline.timer = longTimeout(timeout, onTimeout);
  if (signal) {
    deadline.signal = signal;
    deadline.onAbort = onAbort;
    signal.addEventListener('abort', onAbort, { once: true });
  }
}

/** Cancels the timer and removes the abort listener; safe to call more than once. */
export function disarmDeadline(deadline: Deadline): void {
  deadline.timer?.cancel();
  if (deadline.onAbort) deadline.signal?.removeEventListener('abort', deadline.onAbort);
}
