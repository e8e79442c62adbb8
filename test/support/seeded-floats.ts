/**
 * Seeded float32 data in [-1, 1) (xorshift32), the same on every run: the test suite's and the
 * benchmarks' inputs. Free of vitest, so the benchmarks can import it.
 */
export function seededFloats(seed: number, length: number): Float32Array {
  let state = seed >>> 0 || 1;
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    out[i] = ((state >>> 0) / 2 ** 32) * 2 - 1;
  }
  return out;
}
