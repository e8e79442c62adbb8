import { describe, expect, it } from 'vitest';
import { specExampleModel } from './fixtures/spec-example-model.js';
import { modelFolder, serveOverHttp } from './support/oip-serving.js';

const input0 = { name: 'input0', shape: [2, 2], datatype: 'UINT32', data: [1, 2, 3, 4] };
const input1 = { name: 'input1', shape: [3], datatype: 'BOOL', data: [true, false, true] };

async function infer(url: string, model: string, body: unknown) {
  const reply = await fetch(`${url}/v2/models/${model}/infer`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: reply.status, body: (await reply.json()) as { error?: string } };
}

describe('the Open Inference Protocol server, on unknown models and large bodies', () => {
  it('answers 404 for an unknown model or version, 413 for a body over the limit', async () => {
    const { url } = await serveOverHttp(
      { models: modelFolder({ mymodel: specExampleModel() }) },
      { maxBodyBytes: 1024 },
    );
    const unknown = await infer(url, 'nomodel', { inputs: [input0, input1] });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatch(/unknown model "nomodel"/);
    expect((await fetch(`${url}/v2/models/nomodel`)).status).toBe(404);
    expect((await fetch(`${url}/v2/models/mymodel/versions/7/ready`)).status).toBe(404);

    const large = await infer(url, 'mymodel', {
      inputs: [input0, { ...input1, data: new Array(2000).fill(true) }],
    });
    expect(large.status).toBe(413);
    expect(large.body.error).toMatch(/over the limit of 1024/);
  });
});
