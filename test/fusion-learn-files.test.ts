import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  learnFusionWeights,
  loadFusionWeights,
  parseLabelledSet,
  readLabelledSet,
  saveFusionWeights,
} from '../src/learn/index.js';
import { seededRandom } from '../src/util/mulberry32.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'roundtable-fusion-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('labelled sets from JSONL and fusion weights files', () => {
  it('reads one example per line, model-major logits, skipping blank lines', async () => {
    const path = join(dir, 'set.jsonl');
    await writeFile(
      path,
      [
        '{"outputs": [[1, 2, 3], [0.5, -1, 2]], "label": 2}',
        '',
        '{"outputs": [[0, 0, 1], [3, 2, 1]], "label": 0}',
        '',
      ].join('\n'),
    );
    const set = await readLabelledSet(path);
    expect(set.models).toBe(2);
    expect(set.classes).toBe(3);
    expect(set.size).toBe(2);
    expect(Array.from(set.labels)).toEqual([2, 0]);
    expect(Array.from(set.logits)).toEqual([1, 2, 3, 0.5, -1, 2, 0, 0, 1, 3, 2, 1]);
  });

  it('names the line of a malformed example', () => {
    const good = '{"outputs": [[1, 2], [3, 4]], "label": 1}';
    expect(() => parseLabelledSet(`${good}\n{"outputs": [[1, 2]], "label": 0}`, 'x.jsonl')).toThrow(
      'x.jsonl:2: 1 models, earlier examples have 2',
    );
    expect(() =>
      parseLabelledSet(`${good}\n{"outputs": [[1, 2], [3]], "label": 0}`, 'x.jsonl'),
    ).toThrow('x.jsonl:2: logits of model 1 must be an array of 2 numbers');
    expect(() =>
      parseLabelledSet(`${good}\n${good.replace('"label": 1', '"label": 2')}`, 'x.jsonl'),
    ).toThrow(/x\.jsonl:2: "label" must be an integer class in \[0, 2\), got 2/);
    expect(() =>
      parseLabelledSet(`${good}\n{"outputs": [[1, "a"], [3, 4]], "label": 0}`, 'x.jsonl'),
    ).toThrow(/x\.jsonl:2: logit 1 of model 0 must be a finite number/);
    expect(() => parseLabelledSet('{oops', 'x.jsonl')).toThrow(/x\.jsonl:1: not JSON/);
  });

  it('saves learned weights as JSON and loads them back', async () => {
    const random = seededRandom(5);
    const lines = Array.from({ length: 60 }, () => {
      const label = Math.floor(random() * 3);
      const outputs = [0, 1].map((k) =>
        [0, 1, 2].map((c) => (c === label && k === 0 ? 2 : 0) + random()),
      );
      return JSON.stringify({ outputs, label });
    });
    const learned = learnFusionWeights(parseLabelledSet(lines.join('\n')), {
      strategy: 'log-linear',
      maxEpochs: 30,
    });
    const path = join(dir, 'weights.json');
    await saveFusionWeights(path, { ...learned, models: ['sharp', 'blunt'] });
    const loaded = await loadFusionWeights(path);
    expect(loaded.strategy).toBe('log-linear');
    expect(loaded.weights).toEqual(learned.weights);
    expect(loaded.temperatures).toEqual(learned.temperatures);
    expect(loaded.models).toEqual(['sharp', 'blunt']);
    expect(loaded.metrics?.validationLoss).toBe(learned.metrics.validationLoss);
  });

  it('refuses a weights file that does not hold one weight, temperature and name per model', async () => {
    const path = join(dir, 'bad.json');
    const file = {
      format: 'roundtable.fusion-weights',
      version: 1,
      strategy: 'weighted-mean',
      weights: [0.5, 0.5],
      temperatures: [1],
      models: ['a', 'b'],
    };
    await writeFile(path, JSON.stringify(file));
    await expect(loadFusionWeights(path)).rejects.toThrow(/one entry per weight/);
    await writeFile(path, JSON.stringify({ ...file, temperatures: [1, 1], strategy: 'median' }));
    await expect(loadFusionWeights(path)).rejects.toThrow(TypeError);
    await expect(
      saveFusionWeights(path, {
        strategy: 'weighted-mean',
        weights: [-1],
        temperatures: [1],
        models: ['a'],
      }),
    ).rejects.toThrow(RangeError);
  });
});
