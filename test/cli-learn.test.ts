import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { registerLearn } from '../src/cli/commands/learn.js';
import { applyFusionWeights } from '../src/learn/fusion-weights.js';
import { loadFusionWeights } from '../src/learn/index.js';
import { classifier } from '../src/models/index.js';
import { ensemble } from '../src/plans/builders.js';
import { SeededRandom } from '../src/util/random.js';
import { referenceRun } from './support/reference.js';
import { startRuntime } from './support/runtime.js';

const CLASSES = 5;
const INPUT = 8;

describe('roundtable learn', () => {
  it('learns fusion weights from a plan and labelled feeds: the better model gets the larger weight, and held-out accuracy beats uniform weights', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'roundtable-learn-'));
    const models = { teacher: 11, other: 12, third: 13 };
    for (const [name, seed] of Object.entries(models)) {
      writeFileSync(
        join(dir, `${name}.onnx`),
        classifier({ seed, inputSize: INPUT, hidden: 16, classes: CLASSES }).bytes,
      );
    }
    const plan = {
      ...ensemble({
        name: 'learnable',
        models: Object.keys(models),
        input: 'features',
        output: 'logits',
        fusion: { strategy: 'log-linear' },
      }),
      actors: Object.fromEntries(
        Object.keys(models).map((name) => [name, { model: `${name}.onnx` }]),
      ),
    };
    writeFileSync(join(dir, 'plan.json'), JSON.stringify(plan));

    // The gold class is the teacher's answer, flipped at random one time in ten: a task on which
    // one model is known to be better than the others.
    const random = new SeededRandom(5);
    const teacher = classifier({
      seed: models.teacher,
      inputSize: INPUT,
      hidden: 16,
      classes: CLASSES,
    }).bytes;
    const batches: { features: Float32Array; labels: number[] }[] = [];
    for (let b = 0; b < 24; b++) {
      const features = random.fillNormal(new Float32Array(16 * INPUT), 1);
      const logits = (
        await referenceRun(teacher, {
          features: new ort.Tensor('float32', features.slice(), [16, INPUT]),
        })
      ).logits!.data as Float32Array;
      const labels = Array.from({ length: 16 }, (_, r) => {
        if (random.random() < 0.1) return random.int(CLASSES);
        const row = Array.from(logits.subarray(r * CLASSES, (r + 1) * CLASSES));
        return row.indexOf(Math.max(...row));
      });
      batches.push({ features, labels });
    }
    const line = (b: (typeof batches)[number]) =>
      JSON.stringify({
        features: { dtype: 'float32', dims: [16, INPUT], data: Array.from(b.features) },
        label: b.labels,
      });
    writeFileSync(join(dir, 'train.jsonl'), `${batches.slice(0, 18).map(line).join('\n')}\n`);

    const printed: string[] = [];
    const program = new Command()
      .exitOverride()
      .configureOutput({ writeOut: (text) => printed.push(text), writeErr: () => {} });
    registerLearn(program);
    await program.parseAsync(
      [
        'learn',
        '--plan',
        join(dir, 'plan.json'),
        '--data',
        join(dir, 'train.jsonl'),
        '--out',
        join(dir, 'weights.json'),
      ],
      { from: 'user' },
    );

    const learned = await loadFusionWeights(join(dir, 'weights.json'));
    expect(learned.models).toEqual(['teacher', 'other', 'third']);
    expect(learned.weights[0]).toBeGreaterThan(learned.weights[1]!);
    expect(learned.weights[0]).toBeGreaterThan(learned.weights[2]!);
    expect(Number(learned.metrics?.validationLoss)).toBeLessThan(
      Number(learned.metrics?.uniformValidationLoss),
    );
    expect(printed.join('')).toMatch(/learned log-linear fusion over 3 models/);
    expect(readFileSync(join(dir, 'weights.json'), 'utf8')).toContain('roundtable.fusion-weights');

    // Held-out batches the learner never saw: the plan with learned weights beats uniform weights.
    const runtime = await startRuntime();
    for (const name of Object.keys(models))
      await runtime.spawnModel(name, { model: join(dir, `${name}.onnx`) });
    const accuracy = async (p: typeof plan) => {
      let right = 0;
      let total = 0;
      for (const b of batches.slice(18)) {
        const fused = (
          await runtime.run(p as never, {
            features: { dtype: 'float32', dims: [16, INPUT], data: b.features },
          })
        ).outputs.fused!.data as Float32Array;
        b.labels.forEach((label, r) => {
          const row = Array.from(fused.subarray(r * CLASSES, (r + 1) * CLASSES));
          if (row.indexOf(Math.max(...row)) === label) right++;
          total++;
        });
      }
      return right / total;
    };
    const uniform = await accuracy(plan);
    const weighted = await accuracy(applyFusionWeights(plan, learned) as typeof plan);
    expect(weighted).toBeGreaterThan(uniform);
  }, 60_000);
});
