import { describe, expect, it } from 'vitest';
import { SPEC_EXAMPLE_OUTPUT, specExampleModel } from './fixtures/spec-example-model.js';
import { modelFolder, serveOverHttp } from './support/oip-serving.js';

/**
 * Requests taken from the Open Inference Protocol's REST specification (required_api.md) and
 * Triton's binary data extension (extension_binary_data.md), against a model with the examples'
 * tensor names and shapes. The specification's JSON example gives input1 (shape [3]) one element;
 * here it has the three its shape says.
 */
describe('the Open Inference Protocol server, on the specification examples', () => {
  it('answers health, server metadata, model metadata and model readiness', async () => {
    const { url } = await serveOverHttp({ models: modelFolder({ mymodel: specExampleModel() }) });

    expect((await fetch(`${url}/v2/health/live`)).status).toBe(200);
    expect((await fetch(`${url}/v2/health/ready`)).status).toBe(200);
    const server = (await (await fetch(`${url}/v2`)).json()) as { version: unknown };
    expect(server).toMatchObject({ name: 'roundtable', extensions: ['binary_tensor_data'] });
    expect(typeof server.version).toBe('string');

    const metadata = await fetch(`${url}/v2/models/mymodel`);
    expect(metadata.status).toBe(200);
    expect(await metadata.json()).toEqual({
      name: 'mymodel',
      versions: ['1'],
      platform: 'onnxruntime_onnx',
      inputs: [
        { name: 'input0', datatype: 'UINT32', shape: [2, 2] },
        { name: 'input1', datatype: 'BOOL', shape: [3] },
      ],
      outputs: [{ name: 'output0', datatype: 'FP32', shape: [3, 2] }],
    });
    expect(await (await fetch(`${url}/v2/models/mymodel/versions/1`)).json()).toMatchObject({
      name: 'mymodel',
    });
    const ready = await fetch(`${url}/v2/models/mymodel/versions/1/ready`);
    expect(ready.status).toBe(200);
    expect((await fetch(`${url}/v2/models/mymodel/ready`)).status).toBe(200);
  });

  it('runs the JSON infer example, flat or nested, and echoes the id', async () => {
    const { url } = await serveOverHttp({ models: modelFolder({ mymodel: specExampleModel() }) });
    for (const input0 of [
      [1, 2, 3, 4],
      [
        [1, 2],
        [3, 4],
      ],
    ]) {
      const reply = await fetch(`${url}/v2/models/mymodel/infer`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          id: '42',
          inputs: [
            { name: 'input0', shape: [2, 2], datatype: 'UINT32', data: input0 },
            { name: 'input1', shape: [3], datatype: 'BOOL', data: [true, false, true] },
          ],
          outputs: [{ name: 'output0' }],
        }),
      });
      expect(reply.status).toBe(200);
      expect(reply.headers.get('inference-header-content-length')).toBeNull();
      expect(await reply.json()).toEqual({
        model_name: 'mymodel',
        model_version: '1',
        id: '42',
        outputs: [{ name: 'output0', shape: [3, 2], datatype: 'FP32', data: SPEC_EXAMPLE_OUTPUT }],
      });
    }
  });

  it('runs the binary data example: 19 bytes in, 24 bytes of FP32 out after the JSON header', async () => {
    const { url } = await serveOverHttp({ models: modelFolder({ mymodel: specExampleModel() }) });
    const header = Buffer.from(
      JSON.stringify({
        model_name: 'mymodel',
        inputs: [
          {
            name: 'input0',
            shape: [2, 2],
            datatype: 'UINT32',
            parameters: { binary_data_size: 16 },
          },
          { name: 'input1', shape: [3], datatype: 'BOOL', parameters: { binary_data_size: 3 } },
        ],
        outputs: [{ name: 'output0', parameters: { binary_data: true } }],
      }),
    );
    const input0 = Buffer.alloc(16);
    [1, 2, 3, 4].forEach((v, i) => input0.writeUInt32LE(v, i * 4));
    const input1 = Buffer.from([1, 0, 1]);
    const body = Buffer.concat([header, input0, input1]);
    expect(body.byteLength).toBe(header.byteLength + 19);

    const reply = await fetch(`${url}/v2/models/mymodel/infer`, {
      method: 'POST',
      headers: {
        'content-type': 'application/octet-stream',
        'inference-header-content-length': String(header.byteLength),
      },
      body,
    });
    expect(reply.status).toBe(200);
    const bytes = Buffer.from(await reply.arrayBuffer());
    const jsonLength = Number(reply.headers.get('inference-header-content-length'));
    expect(Number(reply.headers.get('content-length'))).toBe(jsonLength + 24);
    expect(JSON.parse(bytes.subarray(0, jsonLength).toString())).toEqual({
      model_name: 'mymodel',
      model_version: '1',
      outputs: [
        { name: 'output0', shape: [3, 2], datatype: 'FP32', parameters: { binary_data_size: 24 } },
      ],
    });
    const output0 = [0, 1, 2, 3, 4, 5].map((i) => bytes.readFloatLE(jsonLength + i * 4));
    expect(output0).toEqual(SPEC_EXAMPLE_OUTPUT);
  });
});
