import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classifier } from '../src/models/index.js';
import { ensemble } from '../src/plans/builders.js';
import { modelFolder, serveOverHttp } from './support/oip-serving.js';
import { seededFloats } from './support/runtime.js';

describe('the Open Inference Protocol server, serving a plan', () => {
  it('serves the plan as a model beside its actors, with the numbers of runtime.run', async () => {
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
      fusion: { strategy: 'mean' },
    });
    writeFileSync(
      join(dir, 'pair.json'),
      JSON.stringify({ ...plan, actors: { a: { model: 'c1.onnx' }, b: { model: 'c2.onnx' } } }),
    );
    const { runtime, url } = await serveOverHttp({ plan: join(dir, 'pair.json') });

    const metadata = await (await fetch(`${url}/v2/models/pair`)).json();
    expect(metadata).toEqual({
      name: 'pair',
      versions: ['1'],
      platform: 'roundtable_plan',
      inputs: [{ name: 'features', datatype: 'FP32', shape: [-1, 4] }],
      outputs: [{ name: 'fused', datatype: 'FP32', shape: [-1, 3] }],
    });
    expect((await fetch(`${url}/v2/models/a`)).status).toBe(200);

    const data = seededFloats(4, 2 * 4);
    const reply = await fetch(`${url}/v2/models/pair/infer`, {
      method: 'POST',
      body: JSON.stringify({
        inputs: [{ name: 'features', shape: [2, 4], datatype: 'FP32', data: Array.from(data) }],
      }),
    });
    expect(reply.status).toBe(200);
    const body = (await reply.json()) as {
      outputs: { name: string; shape: number[]; data: number[] }[];
    };
    const expected = await runtime.run(plan, {
      features: { dtype: 'float32', dims: [2, 4], data },
    });
    expect(body.outputs).toEqual([
      {
        name: 'fused',
        datatype: 'FP32',
        shape: [2, 3],
        data: Array.from(expected.outputs.fused?.data as Float32Array),
      },
    ]);
  });
});
