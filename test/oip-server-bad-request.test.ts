import { describe, expect, it } from 'vitest';
import { input0, input1, specExampleModel } from './fixtures/spec-example-model.js';
import { inferJson, modelFolder, serveOverHttp } from './support/oip-serving.js';

describe('the Open Inference Protocol server, on requests that do not fit the model', () => {
  it('answers {"error": …} with 400 for what does not fit the model, naming the input', async () => {
    const { url } = await serveOverHttp({ models: modelFolder({ mymodel: specExampleModel() }) });

    const unknown = await inferJson(url, 'mymodel', {
      inputs: [input0, input1, { ...input1, name: 'input2' }],
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatch(/actor "mymodel": unknown input "input2"/);

    const datatype = await inferJson(url, 'mymodel', {
      inputs: [{ ...input0, datatype: 'INT32' }, input1],
    });
    expect(datatype.status).toBe(400);
    expect(datatype.body.error).toMatch(/input "input0" expects dtype uint32, got int32/);

    const shape = await inferJson(url, 'mymodel', {
      inputs: [{ ...input0, shape: [1, 4] }, input1],
    });
    expect(shape.status).toBe(400);
    expect(shape.body.error).toMatch(/input "input0" expects dimension 0 to be 2/);

    const count = await inferJson(url, 'mymodel', {
      inputs: [{ ...input0, data: [1, 2, 3] }, input1],
    });
    expect(count.status).toBe(400);
    expect(count.body.error).toMatch(/input "input0": shape \[2, 2\] holds 4 elements, data has 3/);

    const missing = await inferJson(url, 'mymodel', { inputs: [input0] });
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatch(/missing input "input1"/);

    const notJson = await inferJson(url, 'mymodel', '{"inputs": [');
    expect(notJson.status).toBe(400);
    expect(notJson.body.error).toMatch(/not JSON/);

    const output = await inferJson(url, 'mymodel', {
      inputs: [input0, input1],
      outputs: [{ name: 'output9' }],
    });
    expect(output.status).toBe(400);
    expect(output.body.error).toMatch(/unknown output "output9"/);
  });
});
