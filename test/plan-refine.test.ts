import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { refiner } from '../src/models/index.js';
import { refine } from '../src/plans/builders.js';
import { referenceRun } from './support/reference.js';
import { seededFloats, startRuntime } from './support/runtime.js';

const SIZE = 16;
const models = [61, 62, 63, 64].map((seed) =>
  refiner({ seed, size: SIZE, hidden: 32, taskSeed: 5 }),
);

/** S(i+1) = M_i(source, S_i), computed directly with onnxruntime-node, stopping like the plan. */
async function reference(source: Float32Array, previous: Float32Array, threshold: number) {
  let current: Float32Array = previous;
  let confidence: Float32Array = new Float32Array(0);
  let rounds = 0;
  for (const model of models) {
    const out = await referenceRun(model.bytes, {
      source: new ort.Tensor('float32', source.slice(), [2, SIZE]),
      previous: new ort.Tensor('float32', current.slice(), [2, SIZE]),
    });
    current = out.refined!.data as Float32Array;
    confidence = out.confidence!.data as Float32Array;
    rounds++;
    if (Math.min(...confidence) >= threshold) break;
  }
  return { refined: current, confidence, rounds };
}

describe('a refine plan', () => {
  async function setup() {
    const runtime = await startRuntime();
    await Promise.all(models.map((m, i) => runtime.spawnModel(`r${i}`, { model: m.bytes })));
    return runtime;
  }
  const source = seededFloats(17, 2 * SIZE);
  const draft = new Float32Array(2 * SIZE);
  const feeds = {
    source: { dtype: 'float32' as const, dims: [2, SIZE], data: source },
    previous: { dtype: 'float32' as const, dims: [2, SIZE], data: draft },
  };

  it('feeds each round the previous round output and matches the direct cascade', async () => {
    const runtime = await setup();
    const plan = refine({ name: 'cascade', models: ['r0', 'r1', 'r2', 'r3'] });
    const result = await runtime.run(plan, feeds);
    const expected = await reference(source, draft, Number.POSITIVE_INFINITY);
    expect(result.trace.rounds).toHaveLength(4);
    Array.from(result.outputs.refined!.data as Float32Array).forEach((v, i) =>
      expect(v).toBeCloseTo(expected.refined[i]!, 5),
    );
    expect(runtime.arena.stats().bytesInUse).toBe(0);
  });

  it('stops early once every row is confident enough, and the trace says so', async () => {
    const runtime = await setup();
    // A threshold between the first and the last round's confidence, so the stop lands mid-way.
    const all = await reference(source, draft, Number.POSITIVE_INFINITY);
    const first = await reference(source, draft, Number.NEGATIVE_INFINITY);
    const threshold = (Math.min(...first.confidence) + Math.min(...all.confidence)) / 2;
    const expected = await reference(source, draft, threshold);
    expect(expected.rounds).toBeGreaterThan(1);
    expect(expected.rounds).toBeLessThan(4);

    const result = await runtime.run(
      refine({ name: 'early', models: ['r0', 'r1', 'r2', 'r3'], threshold }),
      feeds,
    );
    expect(result.trace.rounds).toHaveLength(expected.rounds);
    const last = result.trace.rounds.at(-1)!;
    expect(last.stopped?.threshold).toBe(threshold);
    expect(last.stopped?.value).toBeCloseTo(Math.min(...expected.confidence), 5);
    Array.from(result.outputs.refined!.data as Float32Array).forEach((v, i) =>
      expect(v).toBeCloseTo(expected.refined[i]!, 5),
    );
  });
});
