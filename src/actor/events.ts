import type { SerializedError } from '../errors.js';

/**
 * The runtime's events, typed for eventemitter3: `runtime.events.on('actor:exited', (e) => …)`.
 * Listeners run synchronously on the main thread: keep them short.
 */
export interface RuntimeEvents {
  'actor:started': (event: { actor: string; replica: number }) => void;
  'actor:exited': (event: {
    actor: string;
    replica: number;
    exitCode: number;
    expected: boolean;
  }) => void;
  'actor:restarted': (event: {
    actor: string;
    replica: number;
    attempt: number;
    delayMs: number;
  }) => void;
  'actor:stopped': (event: { actor: string; reason: SerializedError | undefined }) => void;
  /**
   * One message's one answer. `ms`: how long it ran on a worker (undefined if it never ran);
   * `code`: the error's code when it was answered with an error.
   */
  'actor:message': (event: { actor: string; ms: number | undefined; code?: string }) => void;
  /**
   * One call to an actor served by another process, answered: `ms` from send to answer, `code`
   * of the error it was answered with.
   */
  'remote:call': (event: { actor: string; transport: string; ms: number; code?: string }) => void;
  /** A dead worker had written arena blocks it never handed over; they were given back. */
  'arena:reclaimed': (event: {
    actor: string;
    replica: number;
    blocks: number;
    bytes: number;
  }) => void;
  /** A supervisor applies its strategy after `cause` died. */
  'supervisor:restarting': (event: {
    supervisor: string;
    strategy: string;
    cause: string;
    restarting: readonly string[];
    delayMs: number;
  }) => void;
  /** A supervisor spent its restart budget and stopped its children. */
  'supervisor:gave-up': (event: { supervisor: string; reason: string }) => void;
  'round:started': (event: {
    plan: string;
    run: number;
    round: number;
    steps: readonly string[];
  }) => void;
  'round:settled': (event: {
    plan: string;
    run: number;
    round: number;
    ms: number;
    missing: readonly string[];
  }) => void;
  /** A round that did not settle: `code` of the error the run was rejected with. */
  'round:failed': (event: {
    plan: string;
    run: number;
    round: number;
    ms: number;
    code: string;
  }) => void;
  /** A step of a round is run again after its actor crashed under it. */
  'round:retried': (event: {
    plan: string;
    run: number;
    round: number;
    actor: string;
    attempt: number;
    reason: string;
  }) => void;
  'mailbox:full': (event: { actor: string; capacity: number; waiting: number }) => void;
  'dead-letter': (event: { actor: string; reason: string }) => void;
}
