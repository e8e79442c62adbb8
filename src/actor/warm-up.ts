/**
 * Warming an actor up before it takes traffic: asks of an input the caller gives, so that V8 has
 * optimized the code an ask runs through, on the calling thread and in each replica's worker.
 *
 * Why: an ask runs far more JavaScript in roundtable than in a hand-written worker, and V8 hands it
 * to its optimizing compiler only once it has run for a while, on background threads that take
 * cores from the caller and the models meanwhile. Started cold under traffic near capacity, a
 * small model's first asks queued far behind its later ones (docs/architecture.md has the
 * measurement, and what the defaults below bought).
 *
 * Asks one at a time warm the path of an idle actor, asks several in flight the paths of a queue
 * and of every replica: half the budget goes to each. As with Triton's model warm-up, the input is
 * the caller's: a made-up one could take paths (shapes, dtypes) that real traffic never takes.
 */
import { performance } from 'node:perf_hooks';
import * as args from './arguments.js';

export interface WarmUpOptions {
  /** Most asks to make. Default DEFAULT_WARM_UP_ASKS. */
  readonly asks?: number;
  /** Most time to take (ms), whatever the count. Default DEFAULT_WARM_UP_MS. */
  readonly ms?: number;
}

/** What a warm-up did. */
export interface WarmUpReport {
  readonly asks: number;
  readonly ms: number;
}

/** Enough for the small model of docs/architecture.md to start at its later latency. */
export const DEFAULT_WARM_UP_ASKS = 4_000;
export const DEFAULT_WARM_UP_MS = 1_000;

/** The asks and milliseconds `options` allow, checked; `where` names the call in errors. */
export function warmUpBudget(where: string, options: unknown): { asks: number; ms: number } {
  const given = args.options(where, 'options', options);
  const read = (key: string) => args.field(where, `options.${key}`, given, key);
  return {
    asks: args.optionalInteger(where, 'options.asks', read('asks'), 1) ?? DEFAULT_WARM_UP_ASKS,
    ms: args.optionalInteger(where, 'options.ms', read('ms'), 1) ?? DEFAULT_WARM_UP_MS,
  };
}

/** Most asks in flight in the second half: enough to queue behind a few replicas. */
const MOST_IN_FLIGHT = 8;

/**
 * Makes up to `asks` asks within `ms`: half one at a time, half `inFlight` at once.
 * @throws the first failed ask's error, once every ask made has settled.
 */
export async function warmUp(
  ask: () => Promise<unknown>,
  inFlight: number,
  asks: number,
  ms: number,
): Promise<WarmUpReport> {
  const start = performance.now();
  const elapsed = () => performance.now() - start;
  const alone = Math.ceil(asks / 2);
  let made = 0;
  while (made < alone && elapsed() < ms / 2) {
    made++;
    await ask();
  }
  const width = Math.max(1, Math.min(MOST_IN_FLIGHT, inFlight));
  while (made < asks && elapsed() < ms) {
    const batch = Math.min(width, asks - made);
    made += batch;
    const settled = await Promise.allSettled(Array.from({ length: batch }, ask));
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
  }
  return { asks: made, ms: elapsed() };
}
