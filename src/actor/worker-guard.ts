import type { Worker } from 'node:worker_threads';

/**
 * States of a guard word shared between the runtime and one worker. Some instants are unsafe to
 * terminate a worker at:
 * - inside a native call of onnxruntime-node: terminating the thread there aborts the whole
 *   process ("terminate called after throwing an instance of 'Napi::Error'", seen with 1.30);
 * - inside an arena section: the slab's lock would stay held forever (see tensor/lock.ts).
 *
 * So the worker claims the word (IDLE → BUSY) before such a section and gives it back after, and
 * the runtime claims it (IDLE → TERMINATING) before it terminates: whoever loses waits or stands
 * down. Sections are short (an allocation) or bounded (one model run).
 */
export const GUARD = { IDLE: 0, BUSY: 1, TERMINATING: 2 } as const;

/** One Int32 for {@link GUARD}, shared with a worker through its workerData. */
export function createGuard(): SharedArrayBuffer {
  return new SharedArrayBuffer(4);
}

/**
 * Worker side: claims the guard for a section. False when the runtime is terminating this worker:
 * the section must not start (the worker is about to end anyway).
 */
export function enterGuard(guard: Int32Array): boolean {
  return Atomics.compareExchange(guard, 0, GUARD.IDLE, GUARD.BUSY) === GUARD.IDLE;
}

/** Worker side: ends a section, waking a runtime waiting to terminate. */
export function leaveGuard(guard: Int32Array): void {
  Atomics.store(guard, 0, GUARD.IDLE);
  Atomics.notify(guard, 0);
}

/**
 * Runtime side: terminates `worker` once it is outside every guarded section, and keeps it from
 * entering another. `exited` settles when the worker is gone by itself (a worker that died inside
 * a section leaves the word BUSY forever: it must not be waited for).
 */
export async function terminateGuarded(
  worker: Worker,
  guard: Int32Array,
  exited: Promise<unknown>,
): Promise<void> {
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  while (!gone) {
    const seen = Atomics.compareExchange(guard, 0, GUARD.IDLE, GUARD.TERMINATING);
    if (seen !== GUARD.BUSY) break;
    const wait = Atomics.waitAsync(guard, 0, GUARD.BUSY, 1_000);
    if (wait.async) await Promise.race([wait.value, exited]);
  }
  if (!gone) await worker.terminate();
}
