import { Piscina } from 'piscina';
import * as args from '../../actor/arguments.js';
import { ActorStoppedError } from '../../errors.js';
import { checkMbrInput, type MbrSelection } from './mbr.js';
import type { MbrTask } from './mbr-task.js';

export interface MbrPoolOptions {
  /** Threads of the pool; default 1 (segments then queue, one selection at a time). */
  readonly threads?: number;
}

/**
 * MBR selection with sentence chrF (mbrSelect's default utility) on a piscina pool of worker
 * threads. The candidate-by-candidate chrF of one segment is tens of milliseconds of JavaScript
 * (bench/offload.bench.ts); on the pool it never stalls the caller's event loop, so a service
 * that translates with the `mbr` method keeps answering its other requests meanwhile. Only
 * chrF: a custom utility is a function, which cannot cross to a pool thread (use mbrSelect).
 *
 * Bad input (no candidates, weights of the wrong length or sign) rejects with mbrSelect's
 * ArgumentError, checked on the caller's side before anything is posted.
 */
export class MbrPool {
  readonly #pool: Piscina;
  #closed = false;

  private constructor(pool: Piscina) {
    this.#pool = pool;
  }

  static create(options: MbrPoolOptions = {}): MbrPool {
    const where = 'MbrPool.create';
    const o = args.optionsCopy(where, 'options', options, ['threads']);
    const threads = args.optionalInteger(where, 'options.threads', o.threads, 1, 1024) ?? 1;
    // Built, the task is mbr-task.js beside this file; from sources (vitest, tsx) it is the .ts
    // file, which the pool's threads load through tsx.
    const fromSources = import.meta.url.endsWith('.ts');
    const task = new URL(fromSources ? './mbr-task.ts' : './mbr-task.js', import.meta.url);
    const pool = new Piscina({
      filename: task.href,
      minThreads: threads,
      maxThreads: threads,
      ...(fromSources ? { execArgv: ['--import', 'tsx'] } : {}),
    });
    return new MbrPool(pool);
  }

  /** mbrSelect(candidates, { weights }) with chrF, run on the pool. */
  async select(
    candidates: readonly string[],
    options: { readonly weights?: readonly number[] } = {},
  ): Promise<MbrSelection> {
    const where = 'MbrPool.select';
    if (this.#closed) throw new ActorStoppedError(`${where}: the pool is closed`);
    const o = args.optionsCopy(where, 'options', options, ['weights']);
    const task: MbrTask = checkMbrInput(where, candidates, o.weights);
    return (await this.#pool.run(task)) as MbrSelection;
  }

  /** Ends the pool's threads once the selections in flight have settled; later selections are refused. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#pool.close();
  }
}
