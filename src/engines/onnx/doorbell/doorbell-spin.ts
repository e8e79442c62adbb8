/**
 * Worker side of the doorbell: whether to stay awake a little after an answer.
 *
 * A worker asleep in `Atomics.wait` takes 10–25 µs to wake on the 2-core machine (a futex wake,
 * and on a VM an idle vCPU to wake first), and its first microseconds run slower; a caller that
 * asks again right after each answer (a loop of small asks) pays that on every ask. So a worker
 * whose recent idle gaps were short keeps checking the bell for up to SPIN_US after it answers,
 * and the next ask finds it awake.
 *
 * A spinning thread holds a core, so a worker spins only while it is the only one of the
 * runtime's model workers awake on fewer than all the cores: measured with three workers on two
 * cores, spinners took the cores from the worker that had a run to do and a decode step went from
 * 380 to 740 µs. The runtime's model workers share one awake count for this (one Int32 in a
 * SharedArrayBuffer); each also marks itself in its doorbell's AWAKE word so that the runtime can
 * take a worker that died awake out of the count.
 *
 * The cost is bounded: at most SPIN_US of one core per answer, at the worker's lowered priority
 * (src/util/thread-priority.ts), and none once the gaps grow longer than the spin, as between the
 * rounds of a plan whose models take milliseconds.
 */
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { WORD } from './doorbell.js';

/** Longest spin after an answer (µs): a few times the worst wake-up measured, far below a round. */
export const SPIN_US = 150;

const CORES = availableParallelism();

/** The runtime-wide count of model workers awake (one Int32). */
export function createAwakeCount(): SharedArrayBuffer {
  return new SharedArrayBuffer(4);
}

/** The idle gaps between an answer and the next ring, as the worker sees them. */
export class IdleGaps {
  #meanUs = Number.POSITIVE_INFINITY;

  /** A gap just ended; `us` includes the wake-up if the worker was asleep. */
  record(us: number): void {
    this.#meanUs = Number.isFinite(this.#meanUs) ? this.#meanUs + (us - this.#meanUs) / 4 : us;
  }

  get worthSpinning(): boolean {
    return this.#meanUs <= SPIN_US;
  }
}

/** One worker's membership in the awake count. */
export class Wakefulness {
  readonly #count: Int32Array;
  readonly #words: Int32Array;

  constructor(count: SharedArrayBuffer, doorbellWords: Int32Array) {
    this.#count = new Int32Array(count);
    this.#words = doorbellWords;
  }

  /** Counted first, marked second: a mark always means "counted" (see `forgetDead`). */
  awake(): void {
    Atomics.add(this.#count, 0, 1);
    Atomics.store(this.#words, WORD.AWAKE, 1);
  }

  asleep(): void {
    Atomics.store(this.#words, WORD.AWAKE, 0);
    Atomics.sub(this.#count, 0, 1);
  }

  /** True if this worker is the only one awake and a core is left for the caller. */
  get mayHoldACore(): boolean {
    return Atomics.load(this.#count, 0) < CORES;
  }
}

/**
 * Runtime side, when a worker has exited: takes it out of the awake count if it died marked. One
 * that died between counting itself and marking (a few instructions) stays counted: workers then
 * spin less than they could, which costs latency, never an answer.
 */
export function forgetDead(count: SharedArrayBuffer, doorbellWords: Int32Array): void {
  if (Atomics.exchange(doorbellWords, WORD.AWAKE, 0) === 1)
    Atomics.sub(new Int32Array(count), 0, 1);
}

/** Checks `words[index]` until it is no longer `value`, for at most `budgetUs`. */
export function spinWhileEqual(
  words: Int32Array,
  index: number,
  value: number,
  budgetUs: number,
): void {
  const end = performance.now() + budgetUs / 1000;
  while (Atomics.load(words, index) === value && performance.now() < end) {
    // Spin: the check is the work. performance.now() is cheap enough (≈ 30 ns) to pace it.
  }
}
