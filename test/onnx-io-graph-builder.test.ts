import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { attr, GraphBuilder, readModelInitializers, readModelSummary } from '../src/onnx/index.js';
import { SeededRandom } from '../src/util/random.js';

describe('GraphBuilder', () => {
  it('writes a ModelProto with IR 8, opset 17 and producer roundtable', () => {
    const bytes = new GraphBuilder('identity')
      .input('x', 'float32', [2])
      .output('y', 'float32', [2])
      .node('Identity', ['x'], ['y'])
      .metadata('purpose', 'test')
      .toBytes();
    const summary = readModelSummary(bytes);
    expect(summary.irVersion).toBe(8);
    expect(summary.producerName).toBe('roundtable');
    expect([...summary.opsets]).toEqual([['', 17]]);
    expect(summary.graphName).toBe('identity');
    expect(summary.inputs).toEqual(['x']);
    expect(summary.outputs).toEqual(['y']);
    expect(summary.metadata.get('purpose')).toBe('test');
  });

  it('declares symbolic and fixed dims that ONNX Runtime reports back', async () => {
    const bytes = new GraphBuilder('dims')
      .input('tokens', 'int64', ['batch', 'sequence'])
      .input('mask', 'bool', ['batch', 4])
      .output('count', 'int64', ['batch'])
      .initializer('axes', new BigInt64Array([1n]), [1])
      .node('Cast', ['mask'], ['mask.int'], { to: 7 })
      .node('ReduceSum', ['mask.int', 'axes'], ['count'], { keepdims: 0 })
      .toBytes();
    const session = await ort.InferenceSession.create(bytes);
    expect(session.inputMetadata).toEqual([
      { name: 'tokens', isTensor: true, type: 'int64', shape: ['batch', 'sequence'] },
      { name: 'mask', isTensor: true, type: 'bool', shape: ['batch', 4] },
    ]);
    expect(session.outputMetadata).toEqual([
      { name: 'count', isTensor: true, type: 'int64', shape: ['batch'] },
    ]);
    await session.release();
  });

  it('builds a graph whose initializers and attributes ONNX Runtime computes with', async () => {
    const random = new SeededRandom(7);
    const x = random.fillNormal(new Float32Array(2 * 3));
    const w = random.fillNormal(new Float32Array(3 * 4));
    const bytes = new GraphBuilder('gemm')
      .input('x', 'float32', ['batch', 3])
      .output('y', 'float32', ['batch', 4])
      .output('y.max', 'float32', ['batch', 1])
      .initializer('w', w, [3, 4])
      .initializer('shift', new Float32Array([0.5]), [])
      // alpha is a whole number, so it must be typed as a float explicitly.
      .node('Gemm', ['x', 'w'], ['gemm'], { alpha: attr.float(2), transB: 0 })
      .node('LeakyRelu', ['gemm'], ['leaky'], { alpha: 0.1 })
      .node('Add', ['leaky', 'shift'], ['y'])
      .node('ReduceMax', ['y'], ['y.max'], { axes: [1], keepdims: 1 })
      .toBytes();
    const session = await ort.InferenceSession.create(bytes);
    const result = await session.run({ x: new ort.Tensor('float32', x, [2, 3]) });
    await session.release();

    const y = result.y!.data as Float32Array;
    const yMax = result['y.max']!.data as Float32Array;
    for (let b = 0; b < 2; b++) {
      let max = -Infinity;
      for (let j = 0; j < 4; j++) {
        let dot = 0;
        for (let k = 0; k < 3; k++) dot += x[b * 3 + k]! * w[k * 4 + j]!;
        const gemm = 2 * dot;
        const expected = (gemm >= 0 ? gemm : 0.1 * gemm) + 0.5;
        expect(y[b * 4 + j]).toBeCloseTo(expected, 5);
        max = Math.max(max, expected);
      }
      expect(yMax[b]).toBeCloseTo(max, 5);
    }
  });

  it('stores initializers that read back with their dtype, dims and values', () => {
    const mask = new Uint8Array([1, 0, 1]);
    const ids = new BigInt64Array([0n, -1n, 2n ** 40n]);
    const bytes = new GraphBuilder('weights')
      .input('x', 'float32', [1])
      .output('x', 'float32', [1])
      .initializer('mask', mask, [3], 'bool')
      .initializer('ids', ids, [1, 3])
      .toBytes();
    const initializers = readModelInitializers(bytes);
    expect(initializers.get('mask')).toEqual({
      name: 'mask',
      dtype: 'bool',
      dims: [3],
      data: mask,
    });
    expect(initializers.get('ids')).toEqual({
      name: 'ids',
      dtype: 'int64',
      dims: [1, 3],
      data: ids,
    });
  });

  it('refuses a value name used twice and dims that are not sizes or names', () => {
    const graph = new GraphBuilder('dup').input('x', 'float32', [1]);
    expect(() => graph.initializer('x', new Float32Array(1), [1])).toThrow(
      /graph "dup" already has a value named "x"/,
    );
    expect(() => graph.node('Relu', ['x'], ['x'])).toThrow(/already has a value named "x"/);
    expect(() => graph.input('y', 'float32', [1.5])).toThrow(RangeError);
    expect(() => graph.node('Concat', ['x'], ['z'], { axis: [1, 'a'] as never })).toThrow(
      /attribute "axis" mixes strings and numbers/,
    );
  });

  it('yields a model that ONNX Runtime rejects when a node is wrong, rather than hiding it', async () => {
    const bytes = new GraphBuilder('bad')
      .input('x', 'float32', [2])
      .output('y', 'float32', [2])
      .node('NoSuchOperator', ['x'], ['y'])
      .toBytes();
    await expect(ort.InferenceSession.create(bytes)).rejects.toThrow(/NoSuchOperator/);
  });
});
