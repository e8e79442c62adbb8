import { describe, expect, it } from 'vitest';
import { createFusionScratch, fuse } from '../src/engines/fusion/kernels/index.js';
import { evaluateFusion, labelledSetFrom } from '../src/learn/index.js';
import { seededRandom } from '../src/util/mulberry32.js';

describe('the learning loss is the fused NLL the kernels compute', () => {
  for (const strategy of ['weighted-mean', 'log-linear'] as const) {
    it(`for ${strategy}, with weights and temperatures`, () => {
      const random = seededRandom(91);
      const size = 30;
      const models = 3;
      const classes = 7;
      const outputs = Array.from({ length: size }, () =>
        Array.from({ length: models }, () =>
          Array.from({ length: classes }, () => (random() - 0.5) * 10),
        ),
      );
      const labels = Array.from({ length: size }, () => Math.floor(random() * classes));
      const set = labelledSetFrom(outputs, labels);
      const weights = [0.5, 0.3, 0.2];
      const temperatures = [1.5, 0.7, 1];
      const value = evaluateFusion(set, { strategy, weights, temperatures });

      // The same examples as K kernel inputs of `size` rows.
      const perModel = Array.from({ length: models }, (_, k) =>
        Float32Array.from(outputs.flatMap((example) => example[k]!)),
      );
      const out = { distribution: new Float32Array(size * classes), argmax: new Int32Array(size) };
      fuse(
        strategy,
        { kind: 'logits', classes, outputs: perModel, weights, temperatures },
        out,
        createFusionScratch(classes, models),
      );
      let nll = 0;
      let correct = 0;
      for (let i = 0; i < size; i++) {
        const fused = out.distribution[i * classes + labels[i]!]!;
        nll -= strategy === 'log-linear' ? fused : Math.log(fused);
        if (out.argmax[i] === labels[i]) correct++;
      }
      expect(value.loss).toBeCloseTo(nll / size, 5);
      expect(value.accuracy).toBe(correct / size);
    });
  }
});
