/**
 * Custom-actor module (runs on a worker): a translation memory as an actor. better-sqlite3 is
 * synchronous, so the memory lives on its own thread, where a lookup never stalls the caller's
 * event loop. See tm-actor-client.ts for the caller's side.
 */
import type { CustomActorContext } from '../../engines/js/index.js';
import type { HostTensor } from '../../tensor/index.js';
import { TranslationMemory } from '../tm/index.js';
import type { TmHit, TmOffer } from './tm-hit.js';

export interface TmActorOptions {
  /** The memory's SQLite file, or ':memory:'. */
  readonly path: string;
  readonly from: string;
  readonly to: string;
  /** Lowest fuzzy score handed out as a hint; default 75. */
  readonly min?: number;
}

export const signature = {
  inputs: [{ name: 'source', dtype: 'string', shape: [1] }],
  outputs: [
    { name: 'target', dtype: 'string', shape: [1] },
    { name: 'score', dtype: 'float32', shape: [1] },
  ],
};

export function createActor(context: CustomActorContext<TmActorOptions>) {
  const { path, from, to } = context.options;
  const min = context.options.min ?? 75;
  const memory = TranslationMemory.open(path);

  const lookup = (text: string): TmHit => {
    const best = memory.lookup(text, { from, to, min, limit: 1 })[0];
    if (!best) return { kind: 'none' };
    return best.score === 100
      ? { kind: 'exact', source: best.source, target: best.target, score: 100 }
      : { kind: 'fuzzy', source: best.source, target: best.target, score: best.score };
  };

  return {
    lookup,
    /** Stores an accepted translation; false when the memory already had this very pair. */
    store(offer: TmOffer): boolean {
      const props = offer.qe !== undefined ? [{ type: 'x-qe', value: offer.qe.toFixed(4) }] : [];
      const id = memory.add({
        from,
        to,
        source: offer.source,
        target: offer.target,
        creationId: offer.creator ?? 'roundtable-mt',
        creationDate: new Date(),
        props: [...props, { type: 'x-origin', value: 'mt' }],
      });
      return id !== null;
    },
    /** Fills the memory with human translations (a training split, an import). */
    addMany(pairs: readonly { source: string; target: string }[]): {
      added: number;
      duplicates: number;
    } {
      return memory.addMany(pairs.map((p) => ({ from, to, source: p.source, target: p.target })));
    },
    segments(): number {
      return memory.stats().segments;
    },
    /**
     * As a plan step: `source` string [1] → `target` string [1] (empty without a match) and
     * `score` float32 [1] (0 without a match).
     */
    run(inputs: Record<string, HostTensor>): Record<string, HostTensor> {
      const source = inputs.source;
      if (source?.dtype !== 'string')
        throw new TypeError(
          `translation-memory actor: input "source" must be a string tensor, got ${source?.dtype ?? 'nothing'}`,
        );
      const hit = lookup((source.data as readonly string[])[0] ?? '');
      return {
        target: { dtype: 'string', dims: [1], data: [hit.kind === 'none' ? '' : hit.target] },
        score: {
          dtype: 'float32',
          dims: [1],
          data: new Float32Array([hit.kind === 'none' ? 0 : hit.score]),
        },
      };
    },
    close(): void {
      memory.close();
    },
  };
}
