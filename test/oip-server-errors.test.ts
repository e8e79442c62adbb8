import { describe, expect, it } from 'vitest';
import type { ModelActor } from '../src/engines/onnx/model-actor.js';
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

describe('the Open Inference Protocol server, on bad requests', () => {
  it('answers {"error": …} with 400 for what does not fit the model, naming the input', async () => {
    const { url } = await serveOverHttp({ models: modelFolder({ mymodel: specExampleModel() }) });

    const unknown = await infer(url, 'mymodel', {
      inputs: [input0, input1, { ...input1, name: 'input2' }],
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatch(/actor "mymodel": unknown input "input2"/);

    const datatype = await infer(url, 'mymodel', {
      inputs: [{ ...input0, datatype: 'INT32' }, input1],
    });
    expect(datatype.status).toBe(400);
    expect(datatype.body.error).toMatch(/input "input0" expects dtype uint32, got int32/);

    const shape = await infer(url, 'mymodel', {
      inputs: [{ ...input0, shape: [1, 4] }, input1],
    });
    expect(shape.status).toBe(400);
    expect(shape.body.error).toMatch(/input "input0" expects dimension 0 to be 2/);

    const count = await infer(url, 'mymodel', { inputs: [{ ...input0, data: [1, 2, 3] }, input1] });
    expect(count.status).toBe(400);
    expect(count.body.error).toMatch(/input "input0": shape \[2, 2\] holds 4 elements, data has 3/);

    const missing = await infer(url, 'mymodel', { inputs: [input0] });
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatch(/missing input "input1"/);

    const notJson = await infer(url, 'mymodel', '{"inputs": [');
    expect(notJson.status).toBe(400);
    expect(notJson.body.error).toMatch(/not JSON/);

    const output = await infer(url, 'mymodel', {
      inputs: [input0, input1],
      outputs: [{ name: 'output9' }],
    });
    expect(output.status).toBe(400);
    expect(output.body.error).toMatch(/unknown output "output9"/);
  });

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

  it('answers 503 for a model whose actor has stopped, and says the server is not ready', async () => {
    const { runtime, url } = await serveOverHttp({
      models: modelFolder({ mymodel: specExampleModel() }),
    });
    await (runtime.actor('mymodel') as ModelActor).close(0);

    expect((await fetch(`${url}/v2/models/mymodel/ready`)).status).toBe(503);
    expect((await fetch(`${url}/v2/health/ready`)).status).toBe(503);
    expect((await fetch(`${url}/v2/health/live`)).status).toBe(200);
    const stopped = await infer(url, 'mymodel', { inputs: [input0, input1] });
    expect(stopped.status).toBe(503);
    expect(stopped.body.error).toMatch(/mymodel/);
  });
});
