/**
 * Arrival patterns: when the asks of a measurement start, as a service receives them. Back to back
 * is the one pattern a closed benchmark loop gives; a service sees requests spaced by its clients
 * (fixed gaps) or at random (Poisson arrivals at a share of what the model can serve).
 *
 * The driver is open-loop: an ask starts at its time whether or not the earlier ones have
 * settled, so queueing inside the system under test counts in its latency.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { seededRandom } from '../src/util/mulberry32.js';

export type Arrival =
  | { readonly kind: 'back-to-back' }
  | { readonly kind: 'gap'; readonly ms: number }
  | { readonly kind: 'poisson'; readonly perSecond: number; readonly seed: number };

export function describeArrival(arrival: Arrival): string {
  switch (arrival.kind) {
    case 'back-to-back':
      return 'back to back';
    case 'gap':
      return `${arrival.ms} ms apart`;
    case 'poisson':
      return `Poisson, ${Math.round(arrival.perSecond)}/s`;
  }
}

/**
 * Start offsets (ms from the first ask) of `count` asks; null for back to back, whose asks start
 * when the one before settles. Poisson gaps are exponential with the given rate, from a seeded
 * generator so that both sides of a comparison see the same arrivals.
 */
export function arrivalOffsets(arrival: Arrival, count: number): number[] | null {
  if (arrival.kind === 'back-to-back') return null;
  const offsets: number[] = [];
  let at = 0;
  const random = arrival.kind === 'poisson' ? seededRandom(arrival.seed) : undefined;
  for (let i = 0; i < count; i++) {
    offsets.push(at);
    if (arrival.kind === 'gap') at += arrival.ms;
    else at += (-Math.log(1 - random!()) / arrival.perSecond) * 1000;
  }
  return offsets;
}

/**
 * Runs `count` asks in the pattern and returns each ask's latency (ms), from the moment the ask
 * was made to the moment it settled. Timers wake the driver for each arrival; an arrival already
 * due starts at once.
 * @throws the first ask's error, after every ask has settled: a benchmark that lost an ask must
 *   not report a figure.
 */
export async function drive(
  call: () => Promise<unknown>,
  arrival: Arrival,
  count: number,
): Promise<number[]> {
  const latencies = new Array<number>(count);
  let failure: unknown;
  const offsets = arrivalOffsets(arrival, count);
  if (offsets === null) {
    for (let i = 0; i < count; i++) {
      const start = performance.now();
      await call();
      latencies[i] = performance.now() - start;
    }
    return latencies;
  }
  const origin = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const wait = origin + offsets[i]! - performance.now();
    if (wait >= 1) await sleep(Math.floor(wait));
    const start = performance.now();
    pending.push(
      call().then(
        () => {
          latencies[i] = performance.now() - start;
        },
        (error: unknown) => {
          failure ??= error;
        },
      ),
    );
  }
  await Promise.all(pending);
  if (failure !== undefined) throw failure;
  return latencies;
}
