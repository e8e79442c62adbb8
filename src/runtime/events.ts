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
  'mailbox:full': (event: { actor: string; capacity: number; waiting: number }) => void;
  'dead-letter': (event: { actor: string; reason: string }) => void;
}
