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

describe('the Open Inference Protocol server, when a model cannot take requests', () => {
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
