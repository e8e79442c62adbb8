/**
 * Throughput of several ways doing the same work, compared fairly: short closed-loop windows in
 * rotating turns (turns.ts), so that a drift of the machine's speed (it moves within minutes here)
 * falls on every way alike. One long window per way, always in the same order, charged the way
 * that came second for whatever the first left behind or the machine did meanwhile.
 *
 * A ratio between two ways is taken round by round and reported as a spread over the rounds
 * (`pairedRatio` in spread.ts), as the CPU blocks of cpu-turns.ts are.
 */
import type { BlockMeasure } from './spread.js';
import { closedLoop } from './timing.js';
import { inTurns } from './turns.js';

/** One window of one way. */
export interface ThroughputWindow {
  readonly perSecond: number;
  /** Calls completed in the window. */
  readonly completed: number;
}

/** Each way's windows, in the order of `ways` (see turns.ts for the order they run in). */
export async function throughputInTurns(
  ways: readonly (() => Promise<unknown>)[],
  options: { readonly inFlight: number; readonly windowMs: number; readonly rounds: number },
): Promise<ThroughputWindow[][]> {
  return inTurns(ways, options.rounds, (way) =>
    closedLoop(way, options.inFlight, options.windowMs),
  );
}

export const PER_SECOND: BlockMeasure<ThroughputWindow> = (w) => w.perSecond;

/** Calls completed over all of a way's windows. */
export function completedIn(windows: readonly ThroughputWindow[]): number {
  return windows.reduce((n, w) => n + w.completed, 0);
}
