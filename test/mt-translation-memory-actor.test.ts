import { describe, expect, it } from 'vitest';
import { spawnHintActor } from '../src/mt/hint/spawn-hint-actor.js';
import { QualityEstimator } from '../src/mt/qe/quality-estimator.js';
import { SyntheticPair } from '../src/mt/synthetic/synthetic-pair.js';
import { translationModel } from '../src/mt/synthetic/translation-model.js';
import { translationTables } from '../src/mt/synthetic/translation-tables.js';
import { TmActor } from '../src/mt/tm-actor/tm-actor-client.js';
import { promptLayout } from '../src/mt/translate/prompt.js';
import { Translator } from '../src/mt/translate/translator.js';
import type { Roundtable } from '../src/runtime/roundtable.js';
import { startRuntime } from './support/runtime.js';

const CONTEXT = 80;
const pair = SyntheticPair.create({ seed: 6 });
const tables = translationTables(pair);
const layout = promptLayout(pair.tokenizer);
const engine = translationModel({
  pair,
  tables,
  seed: 1,
  noise: 0.1,
  sharedNoise: 0.1,
  noiseRows: 256,
});
const from = SyntheticPair.SOURCE_LANGUAGE;
const to = SyntheticPair.TARGET_LANGUAGE;

async function setUp(runtime: Roundtable) {
  const [tm, qe] = await Promise.all([
    TmActor.spawn(runtime, 'tm', { path: ':memory:', from, to, min: 75 }),
    QualityEstimator.create(runtime, {
      model: engine.bytes,
      layout,
      context: CONTEXT,
      temperature: 0.05,
    }),
    spawnHintActor(runtime, 'hint', { layout, vocab: pair.tokenizer.vocabSize }),
    runtime.spawnModel('engine', { model: engine.bytes }),
  ]);
  const translator = new Translator({
    runtime,
    tokenizer: pair.tokenizer,
    layout,
    context: CONTEXT,
    maxLength: 26,
    engines: ['engine'],
    fusion: { temperatures: [0.05] },
    hint: { actor: 'hint', weight: 0.2 },
    qe,
    tm,
  });
  return { tm, translator };
}

describe('translation-memory actor: answers before the models, hints them, stores after', () => {
  it('answers an exact match from the memory without running a model', async () => {
    const runtime = await startRuntime();
    const { tm, translator } = await setUp(runtime);
    const [sentence] = pair.sample('test', 1);
    await tm.addMany([{ source: sentence!.source, target: 'what the memory says.' }]);
    const rounds: (readonly string[])[] = [];
    runtime.events.on('round:started', (event) => rounds.push(event.steps));
    const result = await translator.translate(sentence!.source, 'ensemble');
    expect(result).toMatchObject({
      text: 'what the memory says.',
      origin: 'tm',
      match: { kind: 'exact', score: 100 },
    });
    expect(result.modelRuns).toBe(0);
    expect(rounds).toEqual([]);
    // Without the memory the models answer.
    const plain = await translator.translate(sentence!.source, 'ensemble', { useTm: false });
    expect(plain.origin).toBe('models');
    expect(plain.text).not.toBe('what the memory says.');
    expect(rounds.length).toBeGreaterThan(0);
  });

  it('hands a fuzzy match to the models as a hint: the hint actor joins every decoding step', async () => {
    const runtime = await startRuntime();
    const { tm, translator } = await setUp(runtime);
    // Find a test sentence and a different training sentence it matches at 75 or more.
    const train = pair.sample('train', 3000);
    await tm.addMany(train);
    let fuzzy: { source: string; score: number } | undefined;
    for (const sentence of pair.sample('test', 200)) {
      const hit = await tm.lookup(sentence.source);
      if (hit.kind === 'fuzzy') {
        fuzzy = { source: sentence.source, score: hit.score };
        break;
      }
    }
    expect(fuzzy).toBeDefined();
    const rounds: (readonly string[])[] = [];
    runtime.events.on('round:started', (event) => rounds.push(event.steps));
    const result = await translator.translate(fuzzy!.source, 'single');
    expect(result.match).toEqual({ kind: 'fuzzy', score: fuzzy!.score });
    expect(result.origin).toBe('models');
    expect(rounds.length).toBeGreaterThan(0);
    for (const steps of rounds) expect(steps).toEqual(['engine', 'hint']);
  });

  it('stores a translation QE accepts, which then answers as an exact match', async () => {
    const runtime = await startRuntime();
    const { tm, translator } = await setUp(runtime);
    const [sentence] = pair.sample('dev', 1);
    expect(await tm.lookup(sentence!.source)).toEqual({ kind: 'none' });
    const refused = await translator.translate(sentence!.source, 'single', { storeAtLeast: 1 });
    expect(refused.stored).toBe(false);
    const first = await translator.translate(sentence!.source, 'single', { storeAtLeast: -100 });
    expect(first.stored).toBe(true);
    expect(first.qe).toBeGreaterThan(-100);
    expect(await tm.lookup(sentence!.source)).toEqual({
      kind: 'exact',
      source: sentence!.source,
      target: first.text,
      score: 100,
    });
    const second = await translator.translate(sentence!.source, 'single');
    expect(second).toMatchObject({ origin: 'tm', text: first.text });
    expect(await tm.segments()).toBe(1);
  });

  it('runs as a plan step: a source string in, the best match and its score out', async () => {
    const runtime = await startRuntime();
    const { tm } = await setUp(runtime);
    await tm.addMany([{ source: 'zi vund vels.', target: 'yen vund.' }]);
    const plan = {
      kind: 'rounds' as const,
      name: 'memory',
      inputs: ['source'],
      outputs: ['target', 'score'],
      rounds: [
        {
          steps: [
            {
              actor: 'tm',
              inputs: { source: 'source' },
              outputs: { target: 'target', score: 'score' },
            },
          ],
        },
      ],
    };
    const hit = await runtime.run(plan, {
      source: { dtype: 'string', dims: [1], data: ['zi vund vels.'] },
    });
    expect(hit.outputs.target!.data).toEqual(['yen vund.']);
    expect(Array.from(hit.outputs.score!.data as Float32Array)).toEqual([100]);
    const miss = await runtime.run(plan, {
      source: { dtype: 'string', dims: [1], data: ['nothing like it'] },
    });
    expect(miss.outputs.target!.data).toEqual(['']);
    expect(Array.from(miss.outputs.score!.data as Float32Array)).toEqual([0]);
  });
});
