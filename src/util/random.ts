/**
 * A seeded pseudo-random generator (xoshiro128**, state seeded through splitmix32).
 *
 * Everything the runtime generates from "random" numbers (model weights, test data, synthetic
 * languages) goes through this class, so the same seed gives the same bytes on every machine
 * and every Node version: `Math.random` cannot be seeded.
 */
export class SeededRandom {
  readonly #state = new Uint32Array(4);
  /** Box-Muller yields normals in pairs; the second waits here for the next call. */
  #spareNormal: number | undefined;

  /** @param seed any finite number; fractional and negative seeds are hashed like integers. */
  constructor(seed: number) {
    if (!Number.isFinite(seed)) {
      throw new RangeError(`seed must be a finite number, got ${String(seed)}`);
    }
    // Fold the full double into 32 bits so seeds beyond 2^32 still differ from each other.
    let s = (Math.trunc(seed) ^ Math.trunc(seed / 0x1_0000_0000)) >>> 0;
    for (let i = 0; i < 4; i++) {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      this.#state[i] = (z ^ (z >>> 16)) >>> 0;
    }
    // xoshiro must never start from the all-zero state.
    if (this.#state.every((word) => word === 0)) this.#state[0] = 1;
  }

  /**
   * A generator that continues from raw xoshiro128** state words (not all zero), e.g. to check
   * the generator against the reference implementation's published outputs.
   */
  static fromState(words: readonly [number, number, number, number]): SeededRandom {
    if (words.every((word) => word >>> 0 === 0)) {
      throw new RangeError('xoshiro128** state must not be all zero');
    }
    const random = new SeededRandom(0);
    words.forEach((word, i) => {
      random.#state[i] = word >>> 0;
    });
    return random;
  }

  /** The next 32 random bits as an unsigned integer. */
  nextUint32(): number {
    const s = this.#state;
    const s0 = s[0]!;
    const s1 = s[1]!;
    const s2 = s[2]!;
    const s3 = s[3]!;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = (s1 << 9) >>> 0;
    const n2 = (s2 ^ s0) >>> 0;
    const n3 = (s3 ^ s1) >>> 0;
    s[1] = s1 ^ n2;
    s[0] = s0 ^ n3;
    s[2] = n2 ^ t;
    s[3] = rotl(n3, 11);
    return result;
  }

  /** Uniform in [0, 1), with 32 bits of resolution. */
  random(): number {
    return this.nextUint32() / 0x1_0000_0000;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n > 0x1_0000_0000) {
      throw new RangeError(`int(n) needs an integer n in [1, 2^32], got ${n}`);
    }
    return Math.floor(this.random() * n);
  }

  /** Normally distributed, by the Box-Muller transform. */
  normal(mean = 0, std = 1): number {
    const spare = this.#spareNormal;
    if (spare !== undefined) {
      this.#spareNormal = undefined;
      return mean + std * spare;
    }
    // 1 - random() is in (0, 1], so the logarithm stays finite.
    const radius = Math.sqrt(-2 * Math.log(1 - this.random()));
    const angle = 2 * Math.PI * this.random();
    this.#spareNormal = radius * Math.sin(angle);
    return mean + std * radius * Math.cos(angle);
  }

  /** Fills `target` with normals of the given spread and returns it. */
  fillNormal<T extends Float32Array | Float64Array>(target: T, std = 1, mean = 0): T {
    for (let i = 0; i < target.length; i++) target[i] = this.normal(mean, std);
    return target;
  }

  /** Fills `target` with uniforms in [low, high) and returns it. */
  fillUniform<T extends Float32Array | Float64Array>(target: T, low = 0, high = 1): T {
    const span = high - low;
    for (let i = 0; i < target.length; i++) target[i] = low + span * this.random();
    return target;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/**
 * A seed for one purpose derived from a user's seed, so that streams drawn for different
 * purposes (a model's weights, its task, its noise) never coincide even when the seeds do.
 */
export function deriveSeed(seed: number, purpose: string): number {
  // FNV-1a over the purpose, mixed with the seed's own first draw.
  let hash = 0x811c9dc5;
  for (let i = 0; i < purpose.length; i++) {
    hash = Math.imul(hash ^ purpose.charCodeAt(i), 0x01000193) >>> 0;
  }
  const base = new SeededRandom(seed).nextUint32();
  return new SeededRandom((base ^ hash) >>> 0).nextUint32();
}
