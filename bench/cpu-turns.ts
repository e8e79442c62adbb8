/**
 * CPU per call of several ways doing the same work, measured apart from their latency: blocks of
 * calls, one way after another, the order rotating between rounds, a CPU snapshot around each
 * block (bench/thread-cpu.ts: the process, the caller's thread, the others). The snapshots stay
 * out of the calls' own timing, which each suite measures as it did.
 *
 * A ratio between two ways is taken round by round (their blocks ran minutes apart at most) and
 * reported as a spread over the rounds (`pairedRatio` in spread.ts).
 */
import type { BlockMeasure } from './spread.js';
import { cpuBetween, cpuSnapshot } from './thread-cpu.js';
import { inTurns } from './turns.js';

/** CPU of one block, per call, µs. */
export interface CpuBlock {
  readonly processUs: number;
  /** The caller's thread; null where per-thread times are unknown. */
  readonly mainUs: number | null;
  /** Every other thread of the process. */
  readonly otherUs: number | null;
}

/** Each way's blocks, in the order of `ways`. */
export async function cpuInTurns(
  ways: readonly (() => Promise<unknown>)[],
  options: { readonly calls: number; readonly rounds: number },
): Promise<CpuBlock[][]> {
  return inTurns(ways, options.rounds, async (call) => {
    const before = cpuSnapshot();
    for (let i = 0; i < options.calls; i++) await call();
    const spent = cpuBetween(before, cpuSnapshot());
    return {
      processUs: spent.processUs / options.calls,
      mainUs: spent.mainUs === null ? null : spent.mainUs / options.calls,
      otherUs: spent.otherUs === null ? null : spent.otherUs / options.calls,
    };
  });
}

export type CpuMeasure = BlockMeasure<CpuBlock>;
export const PROCESS: CpuMeasure = (b) => b.processUs;
export const CALLER: CpuMeasure = (b) => b.mainUs;
export const OTHERS: CpuMeasure = (b) => b.otherUs;
