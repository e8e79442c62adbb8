import { describe, expect, it } from 'vitest';
import {
  createObjectiveScratch,
  type LearnableStrategy,
  labelledSetFrom,
  parameterObjective,
} from '../src/learn/index.js';
import { seededRandom } from '../src/util/mulberry32.js';

function randomSet(random: () => number, size: number, models: number, classes: number) {
  const outputs = Array.from({ length: size }, () =>
    Array.from({ length: models }, () =>
      Array.from({ length: classes }, () => (random() - 0.5) * 8),
    ),
  );
  const labels = Array.from({ length: size }, () => Math.floor(random() * classes));
  return labelledSetFrom(outputs, labels);
}

describe('analytic gradient of the fusion loss', () => {
  for (const strategy of ['weighted-mean', 'log-linear'] as LearnableStrategy[]) {
    it(`matches central finite differences for ${strategy}`, () => {
      const random = seededRandom(strategy === 'log-linear' ? 81 : 82);
      const set = randomSet(random, 25, 3, 6);
      const examples = Int32Array.from({ length: set.size }, (_, i) => i);
      const scratch = createObjectiveScratch(set);
      // Away from the symmetric point 0, where some gradients vanish by symmetry.
      const parameters = Float64Array.from({ length: 6 }, () => (random() - 0.5) * 2);
      const gradient = new Float64Array(6);
      parameterObjective(set, strategy, parameters, examples, set.size, gradient, scratch);

      const h = 1e-5;
      for (let i = 0; i < parameters.length; i++) {
        const shifted = Float64Array.from(parameters);
        shifted[i] = parameters[i]! + h;
        const up = parameterObjective(
          set,
          strategy,
          shifted,
          examples,
          set.size,
          null,
          scratch,
        ).loss;
        shifted[i] = parameters[i]! - h;
        const down = parameterObjective(
          set,
          strategy,
          shifted,
          examples,
          set.size,
          null,
          scratch,
        ).loss;
        const numeric = (up - down) / (2 * h);
        expect(Math.abs(gradient[i]! - numeric)).toBeLessThan(1e-7 + 1e-5 * Math.abs(numeric));
      }
      expect(gradient.some((g) => Math.abs(g) > 1e-3)).toBe(true);
    });
  }
});
