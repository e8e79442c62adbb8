/**
 * mulberry32: a small, fast, seeded generator of uniform numbers in [0, 1). For orders and draws
 * that must repeat from a seed (training splits, test data, synthetic corpora) where the full
 * SeededRandom (random.ts, which model weights go through) is more than needed.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
