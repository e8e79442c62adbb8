import { describe, expect, it } from 'vitest';
import {
  evaluateFusion,
  type LearnableStrategy,
  labelledSetFrom,
  learnFusionWeights,
} from '../src/learn/index.js';
import { seededRandom } from '../src/util/mulberry32.js';

const CLASSES = 8;

/**
 * The gold class is drawn uniformly; model A's logits are the gold one-hot scaled by 2 plus
 * unit noise (informative, about 70% accurate alone), model C's by 1.2 (medium, about 40%),
 * model B's mostly wide noise (confidently wrong, about 16%). Outputs are in the order A, B, C.
 */
function syntheticSet(seed: number, size: number) {
  const random = seededRandom(seed);
  const gaussian = () => {
    const u = 1 - random();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  };
  const model = (gold: number, signal: number, noise: number) =>
    Array.from({ length: CLASSES }, (_, c) => (c === gold ? signal : 0) + noise * gaussian());
  const labels: number[] = [];
  const outputs: number[][][] = [];
  for (let i = 0; i < size; i++) {
    const gold = Math.floor(random() * CLASSES);
    labels.push(gold);
    outputs.push([model(gold, 2, 1), model(gold, 0.2, 3), model(gold, 1.2, 1)]);
  }
  return labelledSetFrom(outputs, labels);
}

describe('learning fusion weights from a labelled set', () => {
  // The learner splits `seen` into training and validation; `heldOut` is drawn apart and never
  // shown to it.
  const seen = syntheticSet(101, 600);
  const heldOut = syntheticSet(202, 1000);

  for (const strategy of ['weighted-mean', 'log-linear'] as LearnableStrategy[]) {
    it(`${strategy}: ranks the informative model first and beats uniform weights held out`, () => {
      const learned = learnFusionWeights(seen, { strategy, seed: 7 });
      const [a, b, c] = learned.weights as [number, number, number];
      expect(a).toBeGreaterThan(c);
      expect(c).toBeGreaterThan(b);
      expect(a + b + c).toBeCloseTo(1, 12);

      const uniform = evaluateFusion(heldOut, { strategy, weights: [1 / 3, 1 / 3, 1 / 3] });
      const fitted = evaluateFusion(heldOut, learned);
      expect(fitted.loss).toBeLessThan(uniform.loss);
      expect(fitted.accuracy).toBeGreaterThan(uniform.accuracy);

      const { metrics } = learned;
      expect(metrics.validationLoss).toBeLessThan(metrics.uniformValidationLoss);
      expect(metrics.bestEpoch).toBeGreaterThan(0);
      expect(metrics.trainExamples + metrics.validationExamples).toBe(600);
    });
  }

  it('stops early on validation loss and keeps the best epoch', () => {
    const learned = learnFusionWeights(seen, {
      strategy: 'weighted-mean',
      seed: 3,
      learningRate: 0.2,
      patience: 5,
      maxEpochs: 2000,
    });
    expect(learned.metrics.stoppedEarly).toBe(true);
    expect(learned.metrics.epochs).toBe(learned.metrics.bestEpoch + 5);
  });

  it('repeats exactly from the same seed, and mini-batches learn too', () => {
    const options = { strategy: 'log-linear' as const, seed: 11, batchSize: 64, maxEpochs: 40 };
    const first = learnFusionWeights(seen, options);
    const second = learnFusionWeights(seen, options);
    expect(second.weights).toEqual(first.weights);
    expect(second.temperatures).toEqual(first.temperatures);
    expect(first.weights[0]).toBeGreaterThan(first.weights[1]!);
  });
});
