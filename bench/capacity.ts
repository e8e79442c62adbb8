/**
 * What the hand-written worker serves back to back, the base of the Poisson rates: estimated as
 * the median of several blocks after one left out (the worker was asleep between spaced asks
 * until then, and its first asks run slower). One block's mean moved by a factor of two between
 * runs, and with it the load of a Poisson pattern, so the suites measure it again right before
 * each repeat.
 */
import { drive } from './arrivals.js';
import { quantile } from './spread.js';

export const CAPACITY = { warm: 100, blocks: 5, asks: 200 } as const;

/** Asks per second `ask` serves back to back, one at a time. */
export async function capacityOf(ask: () => Promise<unknown>): Promise<number> {
  await drive(ask, { kind: 'back-to-back' }, CAPACITY.warm);
  const blockMeans: number[] = [];
  for (let b = 0; b < CAPACITY.blocks; b++) {
    const latencies = await drive(ask, { kind: 'back-to-back' }, CAPACITY.asks);
    blockMeans.push(latencies.reduce((a, x) => a + x, 0) / latencies.length);
  }
  return 1000 / quantile(blockMeans, 0.5);
}
