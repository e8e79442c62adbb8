/**
 * CPU time of this process, whole and per thread, so that a thread that spins (a worker waiting
 * for its next message, a caller polling for an answer) is counted beside the time it saves.
 * Per-thread times come from Linux's `/proc/self/task/<tid>/schedstat` (nanoseconds on CPU);
 * elsewhere only the process total is known.
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface CpuSnapshot {
  /** process.cpuUsage(): user + system, microseconds. */
  readonly processUs: number;
  /** Thread id → nanoseconds on CPU; empty where /proc is not there. */
  readonly threadsNs: ReadonlyMap<number, number>;
}

export function cpuSnapshot(): CpuSnapshot {
  const usage = process.cpuUsage();
  return { processUs: usage.user + usage.system, threadsNs: threadTimes() };
}

export interface CpuSpent {
  readonly processUs: number;
  /** The main thread (the caller's event loop), µs; null where per-thread times are unknown. */
  readonly mainUs: number | null;
  /** Every other thread of the process (workers, ONNX Runtime, libuv, V8), µs. */
  readonly otherUs: number | null;
}

/** CPU spent between two snapshots. */
export function cpuBetween(before: CpuSnapshot, after: CpuSnapshot): CpuSpent {
  const processUs = after.processUs - before.processUs;
  if (after.threadsNs.size === 0) return { processUs, mainUs: null, otherUs: null };
  let mainNs = 0;
  let otherNs = 0;
  for (const [tid, ns] of after.threadsNs) {
    const spent = ns - (before.threadsNs.get(tid) ?? 0);
    if (tid === process.pid) mainNs += spent;
    else otherNs += spent;
  }
  return { processUs, mainUs: mainNs / 1000, otherUs: otherNs / 1000 };
}

function threadTimes(): Map<number, number> {
  const times = new Map<number, number>();
  let tids: string[];
  try {
    tids = readdirSync('/proc/self/task');
  } catch {
    return times;
  }
  for (const tid of tids) {
    try {
      const ns = Number(readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
      if (Number.isFinite(ns)) times.set(Number(tid), ns);
    } catch {
      // The thread ended between the listing and the read: its time is gone with it.
    }
  }
  return times;
}
