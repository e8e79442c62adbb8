/**
 * Garbage collection on the calling thread while blocks of calls run: a pause there delays every
 * answer the thread has to take meanwhile, so with asks arriving near capacity it shows in the
 * latency tail. Node reports each collection as a 'gc' performance entry (its start and
 * duration); the entries arrive a turn of the event loop after the pause, so they are read once
 * the blocks are done.
 */
import { PerformanceObserver } from 'node:perf_hooks';

/** The collections that started within one block of calls. */
export interface GcInBlock {
  /** Each one's duration, ms, in the order they came. */
  readonly pausesMs: readonly number[];
  readonly pausedMs: number;
  readonly longestMs: number;
}

export class GcPauses {
  readonly #pauses: { readonly startMs: number; readonly ms: number }[] = [];
  readonly #observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries())
      this.#pauses.push({ startMs: entry.startTime, ms: entry.duration });
  });

  constructor() {
    this.#observer.observe({ entryTypes: ['gc'] });
  }

  /** Stops listening, after the entries of the last pauses have come in. */
  async stop(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 20));
    this.#observer.disconnect();
  }

  /** The collections that started between `fromMs` and `toMs` (performance.now()). */
  between(fromMs: number, toMs: number): GcInBlock {
    const pausesMs: number[] = [];
    let pausedMs = 0;
    let longestMs = 0;
    for (const pause of this.#pauses) {
      if (pause.startMs < fromMs || pause.startMs > toMs) continue;
      pausesMs.push(pause.ms);
      pausedMs += pause.ms;
      longestMs = Math.max(longestMs, pause.ms);
    }
    return { pausesMs, pausedMs, longestMs };
  }
}
