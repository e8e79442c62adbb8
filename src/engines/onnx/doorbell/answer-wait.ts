/**
 * How the calling thread waits for a doorbell's answer without blocking its event loop.
 *
 * `Atomics.waitAsync` costs the caller a wake-up when the answer comes: V8 posts a task to the
 * loop, which sleeps in epoll until then; on the 2-core machine that is 25–60 µs per answer, more
 * than a small model's whole run. Polling on `setImmediate` instead costs nothing to wake (the
 * loop never sleeps) and still lets timers and I/O run between two checks, but it burns the
 * caller's core while it lasts. So the caller polls only when both hold:
 *  - the answer is expected soon: this replica's recent answers came within POLL_LIMIT_US;
 *  - a core is free for it: fewer answers are awaited on this thread than there are cores. Each
 *    awaited answer is a model worker computing; a polling caller (at normal priority) beside
 *    them would take a core from one of them (at lower priority; see src/util/thread-priority.ts).
 * Otherwise it waits with `Atomics.waitAsync`. And it polls only when the runtime was asked to
 * (RoundtableOptions.pollForAnswers): with asks spaced as a service receives them, polling made
 * answers later and cost more CPU than parking (docs/benchmarks.md, the ask suite). When an answer arrives and a core frees up, the
 * waits still parked that may poll are nudged (notified on their word) to look again, so that the
 * last answer of a round of K asks, the one the round waits for, is polled for; those that may
 * not poll stay parked until their own answer.
 * Measured with `npm run bench -- --only messaging,overhead,decode` (docs/benchmarks.md).
 */
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';

/** Answers expected later than this are not polled for (µs). */
export const POLL_LIMIT_US = 400;

const CORES = availableParallelism();

interface Wait {
  readonly words: Int32Array;
  readonly index: number;
  /** Until when it may poll (performance.now() ms): a nudge after that only re-parks it. */
  readonly pollUntilMs: number;
}

/** Answers awaited on this thread, and those of them parked in Atomics.waitAsync. */
const awaited = new Set<Wait>();
const parked = new Set<Wait>();

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Recent answer times of one doorbell, and the poll budget they give the next wait. An
 * exponentially weighted mean: it follows a model whose cost changes (another input size) within
 * a few runs, and one slow answer (a descheduled worker) does not stop polling for long.
 */
export class AnswerTimes {
  readonly #poll: boolean;
  #meanUs: number | undefined;

  /** @param poll whether the caller polls at all (RoundtableOptions.pollForAnswers). */
  constructor(poll = true) {
    this.#poll = poll;
  }

  record(us: number): void {
    this.#meanUs = this.#meanUs === undefined ? us : this.#meanUs + (us - this.#meanUs) / 4;
  }

  /** Until when (performance.now() ms) the next wait, started at `startMs`, may poll. */
  pollUntil(startMs: number): number {
    const mean = this.#meanUs;
    if (!this.#poll || mean === undefined || mean > POLL_LIMIT_US) return startMs;
    return startMs + Math.min(POLL_LIMIT_US, 2 * mean + 20) / 1000;
  }
}

/**
 * Wakes the parked waits that may still poll, so that they do. One that may not would wake only
 * to park again: a wasted wake-up per answer and per parked wait, K - 1 of them for each answer
 * of a round of K asks when polling is off.
 */
function nudgePollers(): void {
  const now = performance.now();
  for (const other of parked) {
    if (other.pollUntilMs > now) Atomics.notify(other.words, other.index);
  }
}

/**
 * Resolves once `answered()` is true. `words[index]` is the word the answering thread notifies
 * (`Atomics.notify`) when it answers, or when the wait must end for another reason. `then`, if
 * given, runs when it is, before the promise resolves: a caller that has nothing else to await
 * saves a promise of its own and a turn of the microtask queue per answer.
 */
export async function awaitAnswer(
  words: Int32Array,
  index: number,
  answered: () => boolean,
  pollUntilMs: number,
  then?: () => void,
): Promise<void> {
  const wait: Wait = { words, index, pollUntilMs };
  awaited.add(wait);
  try {
    for (;;) {
      while (!answered() && awaited.size < CORES && performance.now() < pollUntilMs) {
        await nextTurn();
      }
      const seen = Atomics.load(words, index);
      if (answered()) break;
      const parking = Atomics.waitAsync(words, index, seen);
      if (!parking.async) continue;
      parked.add(wait);
      await parking.value;
      parked.delete(wait);
    }
  } finally {
    awaited.delete(wait);
    if (awaited.size < CORES && parked.size > 0) nudgePollers();
  }
  then?.();
}
