import { describe, expect, it } from 'vitest';
import { deriveSeed, SeededRandom } from '../src/util/random.js';

describe('SeededRandom, the generator behind every model weight', () => {
  it('produces the outputs of the reference xoshiro128** C implementation', () => {
    // Printed by Blackman and Vigna's xoshiro128starstar.c compiled with gcc, state {1, 2, 3, 4},
    // then state {0x9e3779b9, 0x7f4a7c15, 0xdeadbeef, 0x01234567} after 1000 draws.
    const first = SeededRandom.fromState([1, 2, 3, 4]);
    expect(Array.from({ length: 8 }, () => first.nextUint32())).toEqual([
      11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849,
    ]);
    const second = SeededRandom.fromState([0x9e3779b9, 0x7f4a7c15, 0xdeadbeef, 0x01234567]);
    for (let i = 0; i < 1000; i++) second.nextUint32();
    expect(Array.from({ length: 4 }, () => second.nextUint32())).toEqual([
      1011553451, 783761104, 1056879273, 2410485982,
    ]);
  });

  it('repeats a stream for one seed and departs from it for another', () => {
    const draw = (seed: number) => {
      const random = new SeededRandom(seed);
      return Array.from({ length: 16 }, () => random.random());
    };
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
    // Seeds that differ only above 32 bits still give different streams.
    expect(draw(1)).not.toEqual(draw(1 + 2 ** 32));
    expect(draw(-1)).not.toEqual(draw(1));
  });

  it('draws uniforms in [0, 1) and integers in [0, n) with even frequencies', () => {
    const random = new SeededRandom(3);
    const counts = new Array<number>(10).fill(0);
    const n = 50_000;
    let outside = 0;
    for (let i = 0; i < n; i++) {
      const u = random.random();
      if (!(u >= 0 && u < 1)) outside++;
      const k = random.int(10);
      counts[k] = counts[k]! + 1;
    }
    expect(outside).toBe(0);
    // Each bin expects 5000 with a standard deviation of about 67.
    for (const count of counts) expect(Math.abs(count - n / 10)).toBeLessThan(400);
    expect(() => random.int(0)).toThrow(RangeError);
    expect(() => random.int(2.5)).toThrow(/integer n in \[1, 2\^32\], got 2.5/);
  });

  it('draws normals with the asked mean and spread', () => {
    const random = new SeededRandom(11);
    const values = random.fillNormal(new Float64Array(100_000), 2, -1);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
    expect(mean).toBeCloseTo(-1, 1);
    expect(Math.sqrt(variance)).toBeCloseTo(2, 1);
    const within = values.filter((v) => Math.abs(v + 1) < 2).length / values.length;
    expect(within).toBeGreaterThan(0.67);
    expect(within).toBeLessThan(0.7);
  });

  it('derives distinct seeds per purpose, stable for each', () => {
    expect(deriveSeed(5, 'classifier')).toBe(deriveSeed(5, 'classifier'));
    expect(deriveSeed(5, 'classifier')).not.toBe(deriveSeed(5, 'refiner'));
    expect(deriveSeed(5, 'classifier')).not.toBe(deriveSeed(6, 'classifier'));
  });

  it('refuses seeds that are not finite and an all-zero state', () => {
    expect(() => new SeededRandom(Number.NaN)).toThrow(RangeError);
    expect(() => SeededRandom.fromState([0, 0, 0, 0])).toThrow(/all zero/);
  });
});
