import { describe, expect, it } from 'vitest';
import type { ModelActor } from '../src/engines/onnx/model-actor.js';
import { input0, input1, specExampleModel } from './fixtures/spec-example-model.js';
import { inferJson, modelFolder, serveOverHttp } from './support/oip-serving.js';

describe('the Open Inference Protocol server, when a model cannot take requests', () => {
  it('answers 503 for a model whose actor has stopped, and says the server is not ready', async () => {
    const { runtime, url } = await serveOverHttp({
      models: modelFolder({ mymodel: specExampleModel() }),
    });
    await (runtime.actor('mymodel') as ModelActor).close(0);

    expect((await fetch(`${url}/v2/models/mymodel/ready`)).status).toBe(503);
    expect((await fetch(`${url}/v2/health/ready`)).status).toBe(503);
    expect((await fetch(`${url}/v2/health/live`)).status).toBe(200);
    const stopped = await inferJson(url, 'mymodel', { inputs: [input0, input1] });
    expect(stopped.status).toBe(503);
    expect(stopped.body.error).toMatch(/mymodel/);
  });
});
