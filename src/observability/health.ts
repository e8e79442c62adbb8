import type { ActorHealth } from '../actor/supervision/supervisable.js';

/** What a service's health and readiness endpoints can serve. */
export interface HealthReport {
  /** The runtime is open and every actor has at least one worker alive to serve. */
  readonly ready: boolean;
  /** False once the runtime is closing or closed. */
  readonly open: boolean;
  readonly actors: readonly ActorHealth[];
}

export function healthReport(open: boolean, actors: readonly ActorHealth[]): HealthReport {
  return {
    ready: open && actors.every((actor) => actor.state !== 'stopped' && actor.alive > 0),
    open,
    actors,
  };
}
