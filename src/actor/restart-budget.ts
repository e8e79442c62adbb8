/** How often an actor may be restarted before it is stopped for good. */
export interface RestartOptions {
  /** Restarts allowed within `withinMs`. Default 5. */
  readonly maxRestarts?: number;
  /** The sliding window for `maxRestarts`, in milliseconds. Default 60 000. */
  readonly withinMs?: number;
  /** First backoff delay in milliseconds; doubles with each restart in the window. Default 10. */
  readonly backoffMs?: number;
  /** Upper bound of the backoff delay. Default 5 000. */
  readonly maxBackoffMs?: number;
  /** Random fraction added to each delay so replicas do not restart in lockstep. Default 0.2. */
  readonly jitter?: number;
}

/**
 * At most N restarts in T milliseconds, with exponential backoff and jitter, as Erlang/OTP
 * supervisors do (intensity and period). Past the limit {@link next} returns undefined: the caller
 * stops the actor and answers its callers with a typed error.
 */
export class RestartBudget {
  readonly #max: number;
  readonly #within: number;
  readonly #backoff: number;
  readonly #maxBackoff: number;
  readonly #jitter: number;
  readonly #random: () => number;
  #history: number[] = [];
  #attempts = 0;

  constructor(options: RestartOptions = {}, random: () => number = Math.random) {
    this.#max = options.maxRestarts ?? 5;
    this.#within = options.withinMs ?? 60_000;
    this.#backoff = options.backoffMs ?? 10;
    this.#maxBackoff = options.maxBackoffMs ?? 5_000;
    this.#jitter = options.jitter ?? 0.2;
    this.#random = random;
  }

  get attempts(): number {
    return this.#attempts;
  }

  /** The delay before the next restart, or undefined when the budget is spent. */
  next(now = Date.now()): number | undefined {
    this.#history = this.#history.filter((at) => now - at < this.#within);
    if (this.#history.length >= this.#max) return undefined;
    const recent = this.#history.length;
    this.#history.push(now);
    this.#attempts++;
    const base = Math.min(this.#maxBackoff, this.#backoff * 2 ** recent);
    return Math.round(base * (1 + this.#jitter * this.#random()));
  }

  describe(): string {
    return `more than ${this.#max} restarts within ${this.#within} ms`;
  }
}
