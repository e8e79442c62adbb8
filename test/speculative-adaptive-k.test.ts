import { describe, expect, it } from 'vitest';
import { expectedTokens, fastestK, nextK, startK } from '../src/plan-runner/adaptive-k.js';

const limits = { minK: 1, maxK: 8 } as const;

/** Rounds in which each proposal is accepted while a fixed pattern says so. */
function run(rounds: readonly number[], k0 = 4) {
  let state = startK(k0, limits);
  const ks: number[] = [];
  for (const accepted of rounds) {
    const k = state.k;
    state = nextK(state, { proposed: k, accepted: Math.min(accepted, k) }, limits);
    ks.push(state.k);
  }
  return { state, ks };
}

// k follows the measured acceptance rate α (accepted over judged, older rounds decayed): it is
// the mean run of agreement α / (1 − α), rounded, within [minK, maxK].
describe('adaptive k', () => {
  it('starts at k0 and stays there while the rate is k0 / (k0 + 1)', () => {
    expect(startK(4, limits).k).toBe(4);
    // 4 accepted, the 5th rejected: judged 5, accepted 4, α = 0.8 → α / (1 − α) = 4.
    const state = nextK(startK(4, limits), { proposed: 5, accepted: 4 }, limits);
    expect(state.k).toBe(4);
  });

  it('grows to maxK when every proposal is accepted', () => {
    const { ks } = run(new Array(12).fill(100));
    expect(ks.at(-1)).toBe(limits.maxK);
    // It grows step by step, never shrinking meanwhile.
    ks.slice(1).forEach((k, i) => expect(k).toBeGreaterThanOrEqual(ks[i]!));
  });

  it('falls to minK when every proposal is rejected', () => {
    const { ks } = run(new Array(8).fill(0));
    expect(ks.at(-1)).toBe(limits.minK);
  });

  it('settles on α / (1 − α) for a steady rate: α = 0.5 gives 1, α = 0.75 gives 3', () => {
    // One accepted of every two judged: rounds that keep the first of two proposals.
    let state = startK(4, limits);
    for (let i = 0; i < 40; i++) {
      state = nextK(state, { proposed: 2, accepted: 1 }, limits);
    }
    expect(state.accepted / state.judged).toBeCloseTo(0.5, 2);
    expect(state.k).toBe(1);
    state = startK(1, limits);
    for (let i = 0; i < 40; i++) state = nextK(state, { proposed: 4, accepted: 3 }, limits);
    expect(state.accepted / state.judged).toBeCloseTo(0.75, 2);
    expect(state.k).toBe(3);
  });

  it('a round that proposed nothing changes nothing', () => {
    const state = startK(3, limits);
    expect(nextK(state, { proposed: 0, accepted: 0 }, limits)).toBe(state);
  });

  // Given one draft step's cost beside one verifying call, k maximises the expected tokens per
  // unit of round time: (1 − α^(k+1)) / (1 − α) / (1 + cost × k).
  it('by cost: the k with the most tokens per unit of time, found by brute force', () => {
    expect(expectedTokens(0.8, 4)).toBeCloseTo((1 - 0.8 ** 5) / 0.2, 12);
    expect(expectedTokens(1, 4)).toBe(5);
    for (const rate of [0.3, 0.6, 0.8, 0.9, 0.97]) {
      for (const cost of [0, 0.01, 0.05, 0.2, 1]) {
        const speed = (k: number) => expectedTokens(rate, k) / (1 + cost * k);
        const best = fastestK(rate, cost, limits);
        for (let k = limits.minK; k <= limits.maxK; k++) {
          expect(speed(best)).toBeGreaterThanOrEqual(speed(k) * (1 - 1e-9));
        }
      }
    }
    // A free draft proposes all it may; a cheap one more than the mean run of agreement (4 at
    // α = 0.8); one as dear as the target as little as it may.
    expect(fastestK(0.8, 0, limits)).toBe(8);
    expect(fastestK(0.8, 0.05, limits)).toBeGreaterThan(4);
    expect(fastestK(0.8, 1, limits)).toBe(1);
  });

  it('nextK with a cost follows it; without one, the mean run of agreement', () => {
    const state = startK(4, limits);
    const round = { proposed: 5, accepted: 4 };
    expect(nextK(state, round, limits).k).toBe(4);
    const byCost = nextK(state, round, limits, 0.05);
    expect(byCost.k).toBe(fastestK(byCost.accepted / byCost.judged, 0.05, limits));
    expect(byCost.k).toBeGreaterThan(4);
    expect(byCost.accepted).toBe(nextK(state, round, limits).accepted);
  });
});
