/**
 * A mutex in one Int32 word of shared memory, usable from any thread including Node's main thread
 * (Node allows `Atomics.wait` there).
 *
 * States: 0 free, 1 held, 2 held and someone may be sleeping on it. This is the futex mutex of
 * Drepper's "Futexes Are Tricky" (mutex3): an uncontended lock and unlock are one atomic op each,
 * and `notify` is only paid when a waiter may exist. The sections it guards (a buddy split or merge,
 * a few dozen memory accesses) are far shorter than a sleep and wake-up, so a contender spins
 * briefly before it sleeps.
 *
 * A thread that is terminated while it holds the lock leaves it held: the slab it guards then
 * blocks every allocator. Sections never call out to user code, so only `worker.terminate()` at an
 * unlucky instant can do this.
 */

const FREE = 0;
const HELD = 1;
const CONTENDED = 2;
const SPINS = 64;

export function lock(words: Int32Array, index: number): void {
  if (Atomics.compareExchange(words, index, FREE, HELD) === FREE) return;
  for (let i = 0; i < SPINS; i++) {
    if (
      Atomics.load(words, index) === FREE &&
      Atomics.compareExchange(words, index, FREE, HELD) === FREE
    ) {
      return;
    }
  }
  // From here on we may sleep, so whoever unlocks must notify: mark the word contended.
  while (Atomics.exchange(words, index, CONTENDED) !== FREE) {
    Atomics.wait(words, index, CONTENDED);
  }
}

export function unlock(words: Int32Array, index: number): void {
  if (Atomics.sub(words, index, 1) !== HELD) {
    Atomics.store(words, index, FREE);
    Atomics.notify(words, index, 1);
  }
}
