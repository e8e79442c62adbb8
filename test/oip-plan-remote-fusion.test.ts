import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classifier } from '../src/models/index.js';
import { ensemble } from '../src/plans/builders.js';
import { readPlanFile } from '../src/plans/schema.js';
import { spawnPlanActors } from '../src/runtime/plan-actors.js';
import { modelFolder, serveOverHttp } from './support/oip-serving.js';
import { seededFloats, startRuntime } from './support/runtime.js';

describe('a plan fusing a local model with a remote one', () => {
  it('gives the same fused numbers as the same plan with both models local', async () => {
    const options = { inputSize: 4, hidden: 8, classes: 3 };
    const dir = modelFolder({
      c1: classifier({ seed: 1, ...options }).bytes,
      c2: classifier({ seed: 2, ...options }).bytes,
    });
    const plan = ensemble({
      name: 'pair',
      models: ['a', 'b'],
      input: 'features',
      output: 'logits',
      fusion: { strategy: 'log-linear' },
    });
    const features = {
      dtype: 'float32' as const,
      dims: [5, 4],
      data: seededFloats(3, 5 * 4),
    };

    const local = await startRuntime();
    await spawnPlanActors(
      local,
      { ...plan, actors: { a: { model: 'c1.onnx' }, b: { model: 'c2.onnx' } } },
      dir,
    );
    const expected = await local.run(plan, { features });

    // Another runtime serves c2 over HTTP; the plan file names it as an "oip" actor.
    const { url } = await serveOverHttp({
      models: modelFolder({ c2: classifier({ seed: 2, ...options }).bytes }),
    });
    const planFile = join(dir, 'pair.json');
    writeFileSync(
      planFile,
      JSON.stringify({
        ...plan,
        actors: { a: { model: 'c1.onnx' }, b: { oip: { url, model: 'c2' } } },
      }),
    );
    const mixed = await startRuntime();
    const read = await readPlanFile(planFile);
    await spawnPlanActors(mixed, read, dir);
    expect(mixed.health().actors.find((actor) => actor.name === 'b')?.kind).toBe('remote');

    const got = await mixed.run(plan, { features });

    expect(got.outputs.fused?.dims).toEqual([5, 3]);
    expect(Array.from(got.outputs.fused?.data as Float32Array)).toEqual(
      Array.from(expected.outputs.fused?.data as Float32Array),
    );
    expect(got.trace.rounds[0]?.steps.map((step) => [step.actor, step.status])).toEqual([
      ['a', 'ok'],
      ['b', 'ok'],
    ]);
  });
});
