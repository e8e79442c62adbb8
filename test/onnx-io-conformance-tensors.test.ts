import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { decodeTensorProto, type OnnxTensor } from '../src/onnx/index.js';

// The corpus sits beside the repository, at ../shared/conformance/onnx-backend from its root.
const corpus = fileURLToPath(new URL('../../shared/conformance/onnx-backend/', import.meta.url));

/** Cases that ONNX Runtime loads, chosen to cover every dtype and layout the corpus uses. */
const cases = [
  'simple/test_single_relu_model', // float32
  'simple/test_shrink',
  'simple/test_expand_shape_model3', // int64 shape input
  'simple/test_sequence_model6', // int64 scalar output (dims [])
  'simple/test_sequence_model7', // float64
  'simple/test_sequence_model8', // an empty float32 tensor (dims [0]) and no data at all
  'simple/test_strnorm_model_nostopwords_nochangecase', // strings in string_data
  'pytorch-operator/test_operator_chunk', // two outputs
  'pytorch-operator/test_operator_conv', // 4-D, 2.4 MB of raw_data
  'pytorch-converted/test_Embedding', // int64 token ids in, float32 out
];

function readTensors(dir: string, prefix: 'input' | 'output'): OnnxTensor[] {
  return readdirSync(dir)
    .filter((file) => file.startsWith(`${prefix}_`) && file.endsWith('.pb'))
    .sort(
      (a, b) =>
        Number.parseInt(a.slice(prefix.length + 1), 10) -
        Number.parseInt(b.slice(prefix.length + 1), 10),
    )
    .map((file) => decodeTensorProto(readFileSync(`${dir}/${file}`)));
}

function expectClose(actual: ort.Tensor, expected: OnnxTensor, label: string): void {
  expect(actual.dims, `${label} dims`).toEqual(expected.dims);
  expect(actual.type, `${label} dtype`).toBe(expected.dtype);
  const got = Array.from(actual.data as ArrayLike<number | bigint | string>);
  const want = Array.from(expected.data as ArrayLike<number | bigint | string>);
  expect(got.length).toBe(want.length);
  if (expected.dtype === 'float32' || expected.dtype === 'float64') {
    want.forEach((e, i) => {
      const a = got[i] as number;
      const bound = 1e-4 + 1e-3 * Math.abs(e as number);
      if (!(Math.abs(a - (e as number)) <= bound)) {
        expect.fail(`${label}[${i}] = ${a}, expected ${e} within ${bound}`);
      }
    });
  } else {
    expect(got).toEqual(want);
  }
}

describe('TensorProto decoding against the ONNX backend conformance corpus', () => {
  for (const name of cases) {
    it(`feeds ${name} its decoded inputs and matches its decoded outputs`, async () => {
      const caseDir = `${corpus}${name}`;
      const dataDir = `${caseDir}/test_data_set_0`;
      const inputs = readTensors(dataDir, 'input');
      const outputs = readTensors(dataDir, 'output');
      expect(outputs.length).toBeGreaterThan(0);

      // Severity 3 (errors only): the opset-6 cases make ONNX Runtime warn about legacy support.
      const session = await ort.InferenceSession.create(readFileSync(`${caseDir}/model.onnx`), {
        logSeverityLevel: 3,
      });
      try {
        expect(session.inputNames.length).toBe(inputs.length);
        const feeds: Record<string, ort.Tensor> = {};
        session.inputNames.forEach((inputName, k) => {
          const tensor = inputs[k]!;
          feeds[inputName] = new ort.Tensor(
            tensor.dtype as ort.Tensor.Type,
            tensor.data as ort.Tensor.DataType,
            [...tensor.dims],
          );
        });
        const results = await session.run(feeds);
        session.outputNames.forEach((outputName, k) => {
          expectClose(results[outputName]!, outputs[k]!, `${name} ${outputName}`);
        });
      } finally {
        await session.release();
      }
    });
  }

  it('reads the int64 values of a raw_data tensor without shifting a byte', () => {
    const dir = `${corpus}simple/test_expand_shape_model3/test_data_set_0`;
    const data = decodeTensorProto(readFileSync(`${dir}/input_0.pb`));
    const shape = decodeTensorProto(readFileSync(`${dir}/input_1.pb`));
    const output = decodeTensorProto(readFileSync(`${dir}/output_0.pb`));
    expect(shape.dtype).toBe('int64');
    expect(shape.dims).toEqual([3]);
    // Expand broadcasts the data against the shape input: each output dim is the larger of the two.
    const target = Array.from(shape.data as BigInt64Array, Number);
    expect(target.map((d, axis) => Math.max(d, data.dims[axis]!))).toEqual(output.dims);
  });
});
