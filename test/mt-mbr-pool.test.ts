import { afterAll, describe, expect, it } from 'vitest';
import { mbrSelect } from '../src/mt/mbr/mbr.js';
import { MbrPool } from '../src/mt/mbr/mbr-pool.js';
import { seededRandom } from '../src/util/mulberry32.js';

const WORDS = ['the', 'cat', 'sat', 'on', 'a', 'mat', 'dog', 'ran', 'under', 'red', 'old'];

/** Seeded candidate lists: variants of one sentence, some repeated, with seeded weights. */
function segments(count: number): { candidates: string[]; weights: number[] }[] {
  const random = seededRandom(11);
  const word = () => WORDS[Math.floor(random() * WORDS.length)]!;
  return Array.from({ length: count }, () => {
    const base = Array.from({ length: 6 }, word);
    const candidates = Array.from({ length: 8 }, () =>
      base.map((w) => (random() < 0.25 ? word() : w)).join(' '),
    );
    return { candidates, weights: candidates.map(() => random()) };
  });
}

describe('MbrPool selects on its pool threads exactly as mbrSelect does on the caller', () => {
  const pool = MbrPool.create({ threads: 2 });
  afterAll(() => pool.close());

  it('same index and expected utilities, weighted or not, for every segment', async () => {
    const cases = segments(12);
    const onPool = await Promise.all(
      cases.flatMap(({ candidates, weights }) => [
        pool.select(candidates, { weights }),
        pool.select(candidates),
      ]),
    );
    const onCaller = cases.flatMap(({ candidates, weights }) => [
      mbrSelect(candidates, { weights }),
      mbrSelect(candidates),
    ]);
    expect(onPool).toEqual(onCaller);
  });

  it('bad input rejects with mbrSelect’s ArgumentError, and the pool goes on', async () => {
    const refused = (argument: string) =>
      expect.objectContaining({ name: 'ArgumentError', code: 'ERR_ARGUMENT', argument });
    await expect(pool.select([])).rejects.toThrow(refused('candidates'));
    await expect(pool.select(['a', 'b'], { weights: [1] })).rejects.toThrow(
      /MbrPool.select: 1 weights for 2 candidates/,
    );
    await expect(pool.select(['a', 'b'], { weights: [1, -1] })).rejects.toThrow(
      refused('options.weights[1]'),
    );
    await expect(pool.select(['a', null as never])).rejects.toThrow(refused('candidates[1]'));
    expect((await pool.select(['a b', 'a c', 'a b'])).index).toBe(0);
  });

  it('a pool of no threads is refused', () => {
    expect(() => MbrPool.create({ threads: 0 })).toThrow(
      expect.objectContaining({ name: 'ArgumentError', argument: 'options.threads' }),
    );
  });

  it('a closed pool refuses a selection with ActorStoppedError', async () => {
    const closed = MbrPool.create();
    await closed.close();
    await expect(closed.select(['a', 'b'])).rejects.toThrow(
      expect.objectContaining({ name: 'ActorStoppedError', code: 'ERR_ACTOR_STOPPED' }),
    );
  });
});
