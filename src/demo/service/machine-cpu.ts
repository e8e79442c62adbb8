/**
 * What other processes took of the machine's CPU while a demo service was under load: the
 * machine's busy time (/proc/stat) less the service's and this process's own (/proc/<pid>/stat).
 * The benchmark runner reads it over a whole run too (bench/main.ts).
 *
 * Why: roundtable's workers run below the service's priority (nice +5) and give way to busy
 * processes of their scheduling group, which hand-written workers at nice 0 do not; on a busy
 * machine the table compares something else than on a quiet one, and the demo says so
 * (docs/architecture.md has the measurement). Linux only: elsewhere nothing is read.
 */
import { readFileSync } from 'node:fs';

/**
 * Share of the machine's CPU that other processes may take during a measurement before it is
 * said to have been taken on a busy machine: well above what a quiet machine reads, well below
 * one busy process (docs/architecture.md).
 */
export const BUSY_SHARE = 0.05;

export interface CpuTicks {
  /** Busy ticks of every core together, and all ticks (busy and idle). */
  readonly machineBusy: number;
  readonly machineAll: number;
  /** Ticks the named processes ran, user and system. */
  readonly ours: number;
}

/**
 * A reading for the processes `pids` (this process is always counted); undefined off Linux.
 * With `reapedChildren`, this process's children that have exited and been waited for count as
 * ours too (a benchmark's child processes).
 */
export function cpuTicks(pids: readonly number[], reapedChildren = false): CpuTicks | undefined {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1);
    const ticks = fields.map(Number);
    // user nice system idle iowait irq softirq steal: idle and iowait are the idle ones.
    const all = ticks.slice(0, 8).reduce((a, b) => a + b, 0);
    const idle = ticks[3]! + ticks[4]!;
    let ours = 0;
    for (const pid of [process.pid, ...pids]) ours += processTicks(pid, false);
    if (reapedChildren) ours += processTicks(process.pid, true);
    return { machineBusy: all - idle, machineAll: all, ours };
  } catch {
    return undefined;
  }
}

/**
 * user + system ticks of a process, from /proc/<pid>/stat (fields 14 and 15), or of its children
 * that have exited and been waited for (fields 16 and 17).
 */
function processTicks(pid: number, children: boolean): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) is in parentheses and may hold spaces: count from after it.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const from = children ? 13 : 11;
  return Number(rest[from]) + Number(rest[from + 1]);
}

/** The share (0–1) of all cores' time that processes other than ours ran between two readings. */
export function othersShare(before: CpuTicks, after: CpuTicks): number {
  const all = after.machineAll - before.machineAll;
  if (all <= 0) return 0;
  const others = after.machineBusy - before.machineBusy - (after.ours - before.ours);
  return Math.max(0, others / all);
}
