import { describe, expect, it } from 'vitest';
import { input0, input1, specExampleModel } from './fixtures/spec-example-model.js';
import { inferJson, modelFolder, serveOverHttp } from './support/oip-serving.js';

describe('the Open Inference Protocol server, on unknown models and large bodies', () => {
  it('answers 404 for an unknown model or version, 413 for a body over the limit', async () => {
    const { url } = await serveOverHttp(
      { models: modelFolder({ mymodel: specExampleModel() }) },
      { maxBodyBytes: 1024 },
    );
    const unknown = await inferJson(url, 'nomodel', { inputs: [input0, input1] });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatch(/unknown model "nomodel"/);
    expect((await fetch(`${url}/v2/models/nomodel`)).status).toBe(404);
    expect((await fetch(`${url}/v2/models/mymodel/versions/7/ready`)).status).toBe(404);

    const large = await inferJson(url, 'mymodel', {
      inputs: [input0, { ...input1, data: new Array(2000).fill(true) }],
    });
    expect(large.status).toBe(413);
    expect(large.body.error).toMatch(/over the limit of 1024/);
  });
});
