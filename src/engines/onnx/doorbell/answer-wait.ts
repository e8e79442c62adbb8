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

/** Answers awaited on this thread. */
let awaited = 0;
/**
 * The waits parked in Atomics.waitAsync that may still poll: the ones a nudge is for. One that may
 * not is never put here, since time only moves past its poll budget.
 */
const parked = new Set<AnswerWait>();

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
  for (const other of parked) other.nudge(now);
}

/**
 * The wait for one doorbell's answers, made once and started for each answer: `answered()` says
 * whether the answer is in, `words[index]` is the word the answering thread notifies
 * (`Atomics.notify`) when it answers or when the wait must end for another reason, and `then`
 * runs once `answered()` holds. One wait at a time; `then` may start the next.
 *
 * Callbacks rather than an async function: a wait runs for every ask, and the async function's
 * promises and closures were a tenth of what an ask allocated on the caller's thread (each
 * allocation brings V8's next young-generation pause closer; docs/architecture.md).
 */
export class AnswerWait {
  readonly #words: Int32Array;
  readonly #index: number;
  readonly #answered: () => boolean;
  readonly #then: () => void;
  /** Until when (performance.now() ms) the current wait may poll. */
  #pollUntilMs = 0;

  constructor(words: Int32Array, index: number, answered: () => boolean, then: () => void) {
    this.#words = words;
    this.#index = index;
    this.#answered = answered;
    this.#then = then;
  }

  /** Waits for the next answer, polling until `pollUntilMs` (performance.now() ms) if it may. */
  start(pollUntilMs: number): void {
    this.#pollUntilMs = pollUntilMs;
    awaited++;
    this.#look();
  }

  /** Wakes it to poll if it is parked and still within its poll budget. */
  nudge(now: number): void {
    if (this.#pollUntilMs > now) Atomics.notify(this.#words, this.#index);
  }

  readonly #look = (): void => {
    parked.delete(this);
    for (;;) {
      if (this.#answered()) break;
      if (awaited < CORES && performance.now() < this.#pollUntilMs) {
        setImmediate(this.#look);
        return;
      }
      const seen = Atomics.load(this.#words, this.#index);
      if (this.#answered()) break;
      const parking = Atomics.waitAsync(this.#words, this.#index, seen);
      if (!parking.async) continue;
      if (this.#pollUntilMs > performance.now()) parked.add(this);
      void parking.value.then(this.#look);
      return;
    }
    this.#end();
  };

  #end(): void {
    awaited--;
    if (awaited < CORES && parked.size > 0) nudgePollers();
    this.#then();
  }
}

/** Resolves once `answered()` is true: one {@link AnswerWait}, for a caller that waits once. */
export function awaitAnswer(
  words: Int32Array,
  index: number,
  answered: () => boolean,
  pollUntilMs: number,
): Promise<void> {
  return new Promise((resolve) =>
    new AnswerWait(words, index, answered, resolve).start(pollUntilMs),
  );
}
