import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { QualityEstimator } from '../src/mt/qe/quality-estimator.js';
import { SyntheticPair } from '../src/mt/synthetic/synthetic-pair.js';
import { translationModel } from '../src/mt/synthetic/translation-model.js';
import { translationTables } from '../src/mt/synthetic/translation-tables.js';
import { buildPrompt, promptLayout, windowsFor } from '../src/mt/translate/prompt.js';
import { logSoftmaxRows, referenceRun } from './support/reference.js';
import { startRuntime } from './support/runtime.js';

const CONTEXT = 80;
const pair = SyntheticPair.create({ seed: 4 });
const tables = translationTables(pair);
const layout = promptLayout(pair.tokenizer);
const { tokenizer } = pair;
const qeModel = translationModel({
  pair,
  tables,
  seed: 9,
  noise: 0.15,
  sharedNoise: 0.1,
  noiseRows: 256,
});

describe('quality estimation: a QE model rates candidates without a reference', () => {
  it('gives each candidate the mean log-probability of its tokens under the QE model, as computed directly', async () => {
    const runtime = await startRuntime();
    const qe = await QualityEstimator.create(runtime, {
      model: qeModel.bytes,
      layout,
      context: CONTEXT,
      temperature: 0.2,
    });
    const sentence = pair.sample('test', 1)[0]!;
    const source = tokenizer.encode(sentence.source);
    const reference = tokenizer.encode(sentence.target);
    const candidates = [
      reference,
      reference.slice(0, -2),
      [...reference.slice(0, 2), ...reference.slice(3)],
    ];
    const scores = await qe.score(source, candidates);

    const prompt = buildPrompt(layout, source);
    for (const [k, candidate] of candidates.entries()) {
      const rows = candidate.length + 1;
      const windows = new BigInt64Array(rows * CONTEXT);
      windowsFor(prompt, candidate, CONTEXT, layout.pad, windows, 0);
      const out = await referenceRun(qeModel.bytes, {
        tokens: new ort.Tensor('int64', windows, [rows, CONTEXT]),
      });
      const scaled = Float32Array.from(out.logits!.data as Float32Array, (x) => x / 0.2);
      const logprobs = logSoftmaxRows(scaled, tokenizer.vocabSize);
      const labels = [...candidate, layout.eos];
      const tokens = labels.map((id, t) => logprobs[t * tokenizer.vocabSize + id]!);
      expect(scores[k]!.tokens).toHaveLength(rows);
      scores[k]!.tokens.forEach((value, t) => {
        expect(value).toBeCloseTo(tokens[t]!, 3);
      });
      expect(scores[k]!.mean).toBeCloseTo(tokens.reduce((a, b) => a + b, 0) / rows, 3);
    }
    // The true translation rates above a truncated one and one missing a word.
    expect(scores[0]!.mean).toBeGreaterThan(scores[1]!.mean);
    expect(scores[0]!.mean).toBeGreaterThan(scores[2]!.mean);
  });

  it('calibrates its temperature on dev pairs, which raises the QE of true translations', async () => {
    const runtime = await startRuntime();
    const qe = await QualityEstimator.create(runtime, {
      model: qeModel.bytes,
      layout,
      context: CONTEXT,
    });
    const dev = pair.sample('dev', 40);
    const meanQe = async () => {
      let sum = 0;
      for (const p of dev)
        sum += (await qe.score(tokenizer.encode(p.source), [tokenizer.encode(p.target)]))[0]!.mean;
      return sum / dev.length;
    };
    expect(qe.temperature).toBe(1);
    const before = await meanQe();
    const temperature = await qe.calibrate(tokenizer, dev);
    expect(temperature).toBeGreaterThan(0);
    expect(temperature).toBeLessThan(1);
    expect(qe.temperature).toBe(temperature);
    expect(await meanQe()).toBeGreaterThan(before);
  });

  it('refuses a temperature that is not a positive number', async () => {
    const runtime = await startRuntime();
    await expect(
      QualityEstimator.create(runtime, {
        model: qeModel.bytes,
        layout,
        context: CONTEXT,
        temperature: 0,
      }),
    ).rejects.toMatchObject({ code: 'ERR_ARGUMENT', argument: 'options.temperature' });
  });
});
