import { ActorStoppedError } from '../errors.js';

/**
 * Whether the runtime still takes work. Once `close()` began, a direct actor call (`run`,
 * `runShared`, a custom actor's methods, `fuse`) is refused, but a plan run admitted before the
 * close keeps calling its actors during the grace period: it calls them through admitted views
 * (`view`).
 *
 * Every actor checks its admission at its door, synchronously, before its first await; so a call
 * counts as admitted while it is on this thread's stack, and no async context is needed. An
 * `AsyncLocalStorage` carried the admission before: on Node 20 its first `run` turns on promise
 * hooks for the whole process, for good, and every promise of the application around the runtime
 * became slower (docs/architecture.md, "Promise hooks once a plan has run").
 */
/** Any method of an actor, as the view calls it. */
type Method = (...args: unknown[]) => unknown;

export class Admission {
  #closing = false;
  /** Calls made through admitted views that are on this thread's stack right now. */
  #admitting = 0;
  readonly #views = new WeakMap<object, object>();

  get closing(): boolean {
    return this.#closing;
  }

  close(): void {
    this.#closing = true;
  }

  /**
   * `actor` as an admitted run sees it: each of its methods is called as admitted work. One view
   * per actor, so that two lookups of an actor give the same object.
   */
  view<A extends object>(actor: A): A {
    let view = this.#views.get(actor);
    if (!view) {
      // One wrapper per method, made on its first lookup (and again if the method was replaced),
      // so that a call through the view allocates no function: a plan calls its actors this way on
      // every step.
      const wrappers = new Map<PropertyKey, { method: unknown; wrapper: Method }>();
      view = new Proxy(actor, {
        get: (target, key) => {
          const value: unknown = Reflect.get(target, key, target);
          if (typeof value !== 'function') return value;
          const method = value as Method;
          const known = wrappers.get(key);
          if (known?.method === method) return known.wrapper;
          const wrapper = (...args: unknown[]) => {
            this.#admitting++;
            try {
              return method.apply(target, args);
            } finally {
              this.#admitting--;
            }
          };
          wrappers.set(key, { method, wrapper });
          return wrapper;
        },
      });
      this.#views.set(actor, view);
    }
    return view as A;
  }

  /** The error a call to `actor` gets, or undefined if it is served. */
  refusal(actor: string, what: string): ActorStoppedError | undefined {
    if (!this.#closing || this.#admitting > 0) return undefined;
    return new ActorStoppedError(
      `actor "${actor}": ${what} refused, the runtime is closing: no new work is taken`,
    );
  }
}
