import { describe, expect, it } from 'vitest';
import { type CascadeExample, learnCascadeThresholds, replayCascade } from '../src/learn/index.js';
import { chrfOfStatistics, chrfStatistics, corpusChrf } from '../src/mt/metrics/chrf.js';
import { SeededRandom } from '../src/util/random.js';

const WORDS = ['ka', 'lo', 'mishu', 'ten', 'a', 'buro', 'nai', 'sef', 'pel', 'dor', 'uvi', 'zan'];

/**
 * A labelled set of a two-stage cascade: the cheap stage drops or swaps words of the reference
 * (more on harder segments), the costly one rarely; the cheap stage's score is how sure it is,
 * which tracks (noisily) how many words it got right.
 */
function labelledSet(segments: number) {
  const random = new SeededRandom(7);
  const references: string[] = [];
  const hypotheses: [string, string][] = [];
  const examples: CascadeExample[] = [];
  for (let i = 0; i < segments; i++) {
    const length = 4 + Math.floor(random.random() * 8);
    const words = Array.from({ length }, () => WORDS[Math.floor(random.random() * WORDS.length)]!);
    const hardness = random.random();
    const corrupt = (rate: number) =>
      words.map((w) =>
        random.random() < rate ? WORDS[Math.floor(random.random() * WORDS.length)]! : w,
      );
    const cheap = corrupt(0.6 * hardness);
    const costly = corrupt(0.05);
    const reference = words.join(' ');
    references.push(reference);
    hypotheses.push([cheap.join(' '), costly.join(' ')]);
    const right = cheap.filter((w, k) => w === words[k]).length / length;
    examples.push({
      stages: [
        {
          score: right + 0.1 * random.normal(0, 1),
          cost: 1,
          stats: chrfStatistics(cheap.join(' '), [reference]),
        },
        { score: Number.NaN, cost: 8, stats: chrfStatistics(costly.join(' '), [reference]) },
      ],
    });
  }
  return { references, hypotheses, examples };
}

const quality = (sums: readonly number[]) => chrfOfStatistics(sums);

describe('learning cascade thresholds', () => {
  const { references, hypotheses, examples } = labelledSet(200);
  const cheapOnly = replayCascade(examples, [-Number.MAX_VALUE], quality);
  const costlyOnly = replayCascade(examples, [Number.MAX_VALUE], quality);

  it('fits thresholds that reach the target on the set they were fitted on, checked by scoring the answers they pick', () => {
    const target = (cheapOnly.quality + costlyOnly.quality) / 2;
    const fit = learnCascadeThresholds(examples, { target, quality });
    // Replay the decisions independently: stop at the cheap stage when its score reaches the threshold.
    const picked = examples.map((e, i) =>
      e.stages[0]!.score >= fit.thresholds[0]! ? hypotheses[i]![0] : hypotheses[i]![1],
    );
    const chrf = corpusChrf(picked, [references]).score;
    expect(chrf).toBeGreaterThanOrEqual(target);
    expect(chrf).toBeCloseTo(fit.quality, 9);
    const escalated = picked.filter(
      (h, i) => h === hypotheses[i]![1] && h !== hypotheses[i]![0],
    ).length;
    expect(fit.reached[1]).toBeGreaterThanOrEqual(escalated);
    expect(fit.cost).toBeCloseTo(1 + (8 * fit.reached[1]!) / examples.length, 9);
    // Cheaper than sending everything to the costly stage.
    expect(fit.cost).toBeLessThan(costlyOnly.cost);
  });

  it('escalates more for a stricter target', () => {
    const span = costlyOnly.quality - cheapOnly.quality;
    const reached = [0.3, 0.6, 0.9].map(
      (share) =>
        learnCascadeThresholds(examples, { target: cheapOnly.quality + share * span, quality })
          .reached[1]!,
    );
    expect(reached[1]).toBeGreaterThan(reached[0]!);
    expect(reached[2]).toBeGreaterThan(reached[1]!);
  });

  it('refuses a target no setting reaches, naming the best there is', () => {
    expect(() => learnCascadeThresholds(examples, { target: 100.5, quality })).toThrow(RangeError);
    expect(() => learnCascadeThresholds(examples, { target: 100.5, quality })).toThrow(
      /no thresholds reach the target quality 100.5 on this set; the best setting gives/,
    );
  });
});
