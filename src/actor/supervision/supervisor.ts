import type { EventEmitter } from 'eventemitter3';
import { ActorStoppedError } from '../../errors.js';
import type { RuntimeEvents } from '../events.js';
import { RestartBudget, type RestartOptions } from '../restart-budget.js';
import { affectedChildren, STRATEGIES, type Strategy } from './strategy.js';
import type { Death, Supervisable } from './supervisable.js';

export interface SupervisorOptions extends RestartOptions {
  readonly strategy: Strategy;
  /** Names of actors already spawned, in dependency order (it matters for 'rest-for-one'). */
  readonly children: readonly string[];
}

/**
 * Restarts a group of actors by a strategy (see strategy.ts), within one restart budget for the
 * whole group: at most `maxRestarts` restart decisions within `withinMs`, each after an
 * exponential backoff with jitter. Past the budget it gives up: every child is stopped and its
 * callers get ActorStoppedError naming the supervisor and the last death.
 */
export class Supervisor {
  readonly name: string;
  readonly strategy: Strategy;
  readonly children: readonly Supervisable[];
  readonly #budget: RestartBudget;
  readonly #events: EventEmitter<RuntimeEvents>;
  #gaveUp: string | undefined;

  constructor(
    name: string,
    children: readonly Supervisable[],
    options: SupervisorOptions,
    events: EventEmitter<RuntimeEvents>,
    random?: () => number,
  ) {
    if (!STRATEGIES.includes(options.strategy)) {
      throw new TypeError(
        `supervisor "${name}": strategy must be one of ${STRATEGIES.join(', ')}, got ${String(options.strategy)}`,
      );
    }
    if (children.length === 0) {
      throw new RangeError(`supervisor "${name}": it needs at least one child`);
    }
    this.name = name;
    this.strategy = options.strategy;
    this.children = children;
    this.#budget = new RestartBudget(options, random);
    this.#events = events;
    children.forEach((child, index) => {
      child.superviseBy((death) => this.#died(index, death));
    });
  }

  /** Why it gave up, once it has. */
  get gaveUp(): string | undefined {
    return this.#gaveUp;
  }

  #died(index: number, death: Death): void {
    if (this.#gaveUp) return;
    const delayMs = this.#budget.next();
    if (delayMs === undefined) {
      this.#gaveUp = `supervisor "${this.name}" gave up: ${this.#budget.describe()} (last: ${death.error.message})`;
      this.#events.emit('supervisor:gave-up', { supervisor: this.name, reason: this.#gaveUp });
      const reason = new ActorStoppedError(this.#gaveUp, { cause: death.error });
      for (const child of this.children) void child.stop(reason);
      return;
    }
    const affected = affectedChildren(this.strategy, this.children.length, index);
    this.#events.emit('supervisor:restarting', {
      supervisor: this.name,
      strategy: this.strategy,
      cause: death.actor,
      restarting: affected.map((i) => this.children[i]!.name),
      delayMs,
    });
    for (const i of affected) {
      const child = this.children[i]!;
      if (child.state === 'stopped') continue;
      // The child that died restarts what died; under a wider strategy its siblings restart whole.
      child.restart(this.strategy === 'one-for-one' ? death.replica : 'all', delayMs);
    }
  }
}
