import { ActorStoppedError } from '../errors.js';
import type { Arena } from '../tensor/index.js';
import { enterGuard, leaveGuard } from './worker-guard.js';

/** Arena methods that take a slab's lock. */
const LOCKING = new Set<PropertyKey>(['allocate', 'allocTensor', 'writeTensor', 'release']);

/**
 * A worker's arena whose locking methods run inside the worker's guard (see worker-guard.ts), so
 * the runtime never terminates the worker while it holds a slab's lock: a lock held by a dead
 * thread would block every allocator of that slab forever.
 *
 * Once the runtime has begun terminating the worker, those methods throw ActorStoppedError
 * instead of starting: the worker ends within moments anyway.
 */
export function guardedArena(arena: Arena, guard: Int32Array, actor: string): Arena {
  return new Proxy(arena, {
    get(target, property) {
      // The arena keeps its state in #private fields: methods must run on the target itself.
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      const method = value as (...args: unknown[]) => unknown;
      if (!LOCKING.has(property)) return method.bind(target);
      return (...args: unknown[]) => {
        if (!enterGuard(guard)) {
          throw new ActorStoppedError(
            `actor "${actor}": its worker is being stopped, the arena takes no more work from it`,
          );
        }
        try {
          return method.apply(target, args);
        } finally {
          leaveGuard(guard);
        }
      };
    },
  });
}
