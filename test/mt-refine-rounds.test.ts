import { describe, expect, it } from 'vitest';
import { corpusChrf } from '../src/mt/metrics/index.js';
import { QualityEstimator } from '../src/mt/qe/quality-estimator.js';
import { SyntheticPair } from '../src/mt/synthetic/synthetic-pair.js';
import { translationModel } from '../src/mt/synthetic/translation-model.js';
import { translationTables } from '../src/mt/synthetic/translation-tables.js';
import { promptLayout } from '../src/mt/translate/prompt.js';
import { Translator } from '../src/mt/translate/translator.js';
import { startRuntime } from './support/runtime.js';

const CONTEXT = 80;
const pair = SyntheticPair.create({ seed: 8 });
const tables = translationTables(pair);
const layout = promptLayout(pair.tokenizer);
const build = (seed: number, noise: number) =>
  translationModel({ pair, tables, seed, noise, sharedNoise: 0.05, noiseRows: 256 }).bytes;

describe('refinement rounds: QE decides where to re-decode, whether to keep it, and when to stop', () => {
  it('keeps the draft up to its first doubtful token, only ever raises QE, and stops at the threshold', async () => {
    const runtime = await startRuntime();
    const [qe] = await Promise.all([
      QualityEstimator.create(runtime, {
        model: build(30, 0.08),
        layout,
        context: CONTEXT,
        temperature: 0.06,
      }),
      runtime.spawnModel('weak', { model: build(31, 0.3) }),
      runtime.spawnModel('strong', { model: build(32, 0.08) }),
      runtime.spawnModel('third', { model: build(33, 0.12) }),
    ]);
    const threshold = -0.2;
    const translator = new Translator({
      runtime,
      tokenizer: pair.tokenizer,
      layout,
      context: CONTEXT,
      maxLength: 26,
      engines: ['weak', 'strong', 'third'],
      fusion: { weights: [0.1, 0.6, 0.3], temperatures: [0.1, 0.06, 0.07] },
      beamWidth: 2,
      qe,
      refine: { threshold },
    });
    const test = pair.sample('test', 24);
    const results = await Promise.all(
      test.map((s) =>
        translator.translateEvery(s.source, ['single', 'refine', 'refine-ensemble'], {
          useTm: false,
        }),
      ),
    );
    let improved = 0;
    for (const [draft, refined, once] of results) {
      const steps = refined!.steps!;
      expect(steps[0]!.engines).toEqual(['weak']);
      expect(refined!.rounds).toBe(steps.length - 1);
      expect(once!.rounds).toBeLessThanOrEqual(1);
      if (once!.rounds === 1) expect(once!.steps![1]!.engines).toEqual(['weak', 'strong', 'third']);
      let best = steps[0]!.qe;
      steps.slice(1).forEach((step, r) => {
        // Round r+1 fuses the first r+2 engines, starting from a kept prefix of the previous output.
        expect(step.engines).toHaveLength(r + 2);
        expect(step.kept).toBeLessThanOrEqual(26);
        expect(step.accepted).toBe(step.qe > best);
        best = Math.max(best, step.qe);
      });
      expect(refined!.qe).toBeCloseTo(best, 6);
      // A first round that was kept starts with the draft's trusted prefix.
      if (steps[1]?.accepted && steps.slice(2).every((s) => !s.accepted)) {
        const kept = steps[1].kept;
        expect(refined!.tokens.slice(0, kept)).toEqual(draft!.tokens.slice(0, kept));
      }
      // A round runs only while QE is below the threshold.
      steps.slice(0, -1).forEach((_, r) => {
        expect(Math.max(...steps.slice(0, r + 1).map((s) => s.qe))).toBeLessThan(threshold);
      });
      if (steps.some((s, r) => r > 0 && s.accepted)) improved++;
      expect(refined!.modelRuns).toBeGreaterThanOrEqual(draft!.modelRuns);
    }
    expect(improved).toBeGreaterThan(0);
    const refs = [test.map((s) => s.target)];
    const chrf = (i: number) =>
      corpusChrf(
        results.map((r) => r[i]!.text),
        refs,
      ).score;
    expect(chrf(1)).toBeGreaterThan(chrf(0));
  });
});
