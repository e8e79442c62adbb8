/**
 * Throughput of several ways doing the same work, compared fairly: short closed-loop windows,
 * one way after another, the order rotating between rounds, so that each way runs first, second
 * and last equally often and a drift of the machine's speed (it moves within minutes here) falls
 * on every way alike. One long window per way, always in the same order, charged the way that
 * came second for whatever the first left behind or the machine did meanwhile.
 *
 * A ratio between two ways is taken round by round and reported as a spread over the rounds
 * (`pairedRatio` in spread.ts), as the CPU blocks of cpu-turns.ts are.
 */
import type { BlockMeasure } from './spread.js';
import { closedLoop } from './timing.js';

/** One window of one way. */
export interface ThroughputWindow {
  readonly perSecond: number;
  /** Calls completed in the window. */
  readonly completed: number;
}

/**
 * Each way's windows, in the order of `ways`. Rounds should be a multiple of the number of ways,
 * so that every way holds every place in the order equally often.
 */
export async function throughputInTurns(
  ways: readonly (() => Promise<unknown>)[],
  options: { readonly inFlight: number; readonly windowMs: number; readonly rounds: number },
): Promise<ThroughputWindow[][]> {
  const windows: ThroughputWindow[][] = ways.map(() => []);
  for (let round = 0; round < options.rounds; round++) {
    for (let w = 0; w < ways.length; w++) {
      const which = (w + round) % ways.length;
      windows[which]!.push(await closedLoop(ways[which]!, options.inFlight, options.windowMs));
    }
  }
  return windows;
}

export const PER_SECOND: BlockMeasure<ThroughputWindow> = (w) => w.perSecond;

/** Calls completed over all of a way's windows. */
export function completedIn(windows: readonly ThroughputWindow[]): number {
  return windows.reduce((n, w) => n + w.completed, 0);
}
