import { describe, expect, it } from 'vitest';
import { BeamHypotheses } from '../src/plan-runner/beam-hypotheses.js';

describe("beam hypotheses with Hugging Face's early stopping", () => {
  it('keeps the numBeams best by logprob / length^penalty and stops by each rule', () => {
    const kept = new BeamHypotheses(2, 1, false, 20);
    kept.add([1, 2, 3, 4], -4); // score -1
    kept.add([1, 2], -3); // score -1.5
    kept.add([1, 2, 3, 4, 5, 6], -12); // score -2: worse than both, not kept
    kept.add([1, 2, 3, 4, 5], -2.5); // score -0.5: pushes out -1.5
    expect(kept.best().map((h) => h.score)).toEqual([-0.5, -1]);
    expect(kept.best()[0]!.tokens).toEqual([1, 2, 3, 4, 5]);

    // true: done as soon as numBeams are finished.
    const eager = new BeamHypotheses(2, 1, true, 20);
    eager.add([1], -1);
    expect(eager.isDone(0, 5)).toBe(false);
    eager.add([1, 2], -1);
    expect(eager.isDone(0, 5)).toBe(true);

    // false: done when the best live candidate, at the current length, cannot beat the worst kept.
    // Worst kept is -1 (above); a live -6 at length 5 scores -1.2: done; -4 at length 5 (-0.8): not.
    expect(kept.isDone(-6, 5)).toBe(true);
    expect(kept.isDone(-4, 5)).toBe(false);

    // 'never' with a positive penalty: the bound uses maxLength, the most a live beam could reach.
    const never = new BeamHypotheses(2, 1, 'never', 20);
    never.add([1, 2, 3, 4], -4);
    never.add([1, 2, 3, 4, 5], -2.5);
    expect(never.isDone(-6, 5)).toBe(false); // -6 / 20 = -0.3 could still beat -1
    expect(never.isDone(-30, 5)).toBe(true); // -30 / 20 = -1.5 cannot
  });
});
