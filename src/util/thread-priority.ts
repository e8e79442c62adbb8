import { readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/**
 * Lowers the scheduling priority of the calling thread by `increment` nice levels (Linux).
 *
 * Why: model workers are CPU-bound for milliseconds at a time. With more busy threads than cores
 * (K model actors, the fusion actor and the caller on 2 cores), a caller's event loop that wakes
 * for a timer or a socket waits behind them: on the 2-core machine a 1 ms timer fired up to 2 ms
 * late (p99) beside four busy threads at the same priority, 0.25 ms late with them at nice +10.
 * A worker a few levels below the caller loses nothing when the caller is idle, and the caller,
 * whose work is short, runs first when it has some.
 *
 * Linux schedules threads, not processes: `setpriority` on a thread id changes that thread only,
 * and `/proc/thread-self` names the calling thread's id. Elsewhere nothing changes. Raising a
 * nice value needs no privilege; lowering one back would, so this only ever goes down.
 *
 * @returns the thread's nice value afterwards, or undefined if it was left as it was.
 */
export function lowerThreadPriority(increment: number): number | undefined {
  if (!(increment > 0) || process.platform !== 'linux') return undefined;
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(tid) || tid <= 0) return undefined;
    const nice = Math.min(19, getPriority(tid) + Math.round(increment));
    setPriority(tid, nice);
    return nice;
  } catch {
    // A sandbox without /proc or without setpriority: run at the process's priority.
    return undefined;
  }
}
