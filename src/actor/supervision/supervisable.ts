import type { RoundtableError } from '../../errors.js';

/**
 * Where an actor is in its life. 'restarting': at least one of its workers is being replaced (a
 * model actor with other replicas alive still serves meanwhile); 'stopped': for good.
 */
export type ActorState = 'running' | 'restarting' | 'stopped';

/** What a health check reports of one actor. */
export interface ActorHealth {
  readonly name: string;
  readonly kind: 'model' | 'custom' | 'fusion' | 'remote';
  readonly state: ActorState;
  /** Workers it should have. */
  readonly replicas: number;
  /** Workers alive now. */
  readonly alive: number;
  /** Messages waiting (mailbox, or calls waiting for a restart). */
  readonly queued: number;
  readonly inFlight: number;
}

/** An unexpected end of one of an actor's workers. */
export interface Death {
  readonly actor: string;
  readonly replica: number;
  readonly exitCode: number;
  /** What its callers were told (ActorCrashedError), or why a restart failed. */
  readonly error: RoundtableError;
}

/**
 * Decides what happens after a death: the actor's own one-for-one policy by default, or the
 * supervisor the actor was put under.
 */
export type DeathHandler = (death: Death) => void;

/**
 * An actor a supervisor can manage: it reports deaths and leaves the decision to its handler,
 * and offers the two mechanisms a strategy needs, restart and stop.
 */
export interface Supervisable {
  readonly name: string;
  readonly state: ActorState;
  health(): ActorHealth;
  /** From now on every unexpected death goes to `handler` instead of the actor's own policy. */
  superviseBy(handler: DeathHandler): void;
  /**
   * After `delayMs`, starts a fresh worker for replica `which` (one that died), or for every
   * replica ('all'): live workers are then replaced too, their messages in flight answered with
   * ActorCrashedError or, for a model actor, run again on the new worker.
   */
  restart(which: number | 'all', delayMs: number): void;
  /** Stops for good: callers get ActorStoppedError naming `reason`; every worker is terminated. */
  stop(reason: RoundtableError): Promise<void>;
  close(graceMs?: number): Promise<void>;
}
