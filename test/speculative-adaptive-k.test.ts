import { describe, expect, it } from 'vitest';
import { nextK, startK } from '../src/plan-runner/adaptive-k.js';

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
});
