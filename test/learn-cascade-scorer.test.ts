import { describe, expect, it } from 'vitest';
import { seededRandom } from '../src/learn/index.js';
import { learnLinearScorer } from '../src/learn/learn-cascade-scorer.js';

describe('a cascade scorer combining signals (logistic fit)', () => {
  it('learns which signal tells stop from escalate, on the raw scale of each signal', () => {
    const random = seededRandom(7);
    // Signal 0 decides (in units of thousands), signal 1 is noise of unit scale.
    const rows = Array.from({ length: 200 }, () => [(random() - 0.5) * 4000, random() - 0.5]);
    const stop = rows.map((r) => r[0]! > 500);
    const fit = learnLinearScorer(rows, stop);
    const score = (r: readonly number[]) =>
      fit.bias + fit.weights.reduce((s, w, j) => s + w * r[j]!, 0);
    // Folded back to the raw scale: a typical spread of the deciding signal moves the score far
    // more than a typical spread of the noise (their standard deviations: 4000/√12 and 1/√12).
    expect(Math.abs(fit.weights[0]!) * 4000).toBeGreaterThan(Math.abs(fit.weights[1]!) * 1 * 5);
    // Rows well away from the boundary are on the right side of log-odds 0.
    for (const r of rows) {
      if (r[0]! > 900) expect(score(r)).toBeGreaterThan(0);
      if (r[0]! < 100) expect(score(r)).toBeLessThan(0);
    }
  });

  it('weighs rows by what is at stake', () => {
    // Identical features, opposite labels: the heavier rows win the sign of the score.
    const rows = [[1], [1], [1], [1]];
    const stop = [true, true, false, false];
    const towardStop = learnLinearScorer(rows, stop, { weights: [5, 5, 1, 1] });
    const towardEscalate = learnLinearScorer(rows, stop, { weights: [1, 1, 5, 5] });
    expect(towardStop.bias + towardStop.weights[0]!).toBeGreaterThan(0);
    expect(towardEscalate.bias + towardEscalate.weights[0]!).toBeLessThan(0);
  });

  it('refuses rows it cannot fit, naming what was expected', () => {
    expect(() => learnLinearScorer([[1, 2], [1]], [true, false])).toThrow(
      /row 1 has 1 features \(expected 2\)/,
    );
    expect(() => learnLinearScorer([[Number.NaN]], [true])).toThrow(/each a finite number/);
    expect(() => learnLinearScorer([[1]], [true, false])).toThrow(/1 feature rows and 2 labels/);
    expect(() => learnLinearScorer([[1]], [true], { weights: [-1] })).toThrow(/row weights/);
  });
});
