import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { proposer } from '../src/models/proposer.js';
import { layers } from '../src/plans/builders.js';
import { referenceRun } from './support/reference.js';
import { seededFloats, startRuntime } from './support/runtime.js';

const SIZE = 8;
const K = 2;
const grid = [
  [71, 72],
  [73, 74],
];
const build = (seed: number) =>
  proposer({ seed, size: SIZE, hidden: 16, taskSeed: 9, previous: K });

describe('a layers (mixture of agents) plan', () => {
  it('runs k proposers per layer on the source and every output of the layer before, then an aggregator', async () => {
    const runtime = await startRuntime();
    const models = new Map<string, Uint8Array>();
    for (const seed of [...grid.flat(), 75]) models.set(`p${seed}`, build(seed).bytes);
    await Promise.all(
      [...models].map(([name, bytes]) => runtime.spawnModel(name, { model: bytes })),
    );
    const plan = layers({
      name: 'moa',
      layers: grid.map((row) => row.map((seed) => `p${seed}`)),
      aggregator: 'p75',
      previousInputs: ['previous_0', 'previous_1'],
    });
    const source = seededFloats(3, SIZE);
    const draft = seededFloats(4, SIZE);
    const result = await runtime.run(plan, {
      source: { dtype: 'float32', dims: [1, SIZE], data: source },
      previous: { dtype: 'float32', dims: [1, SIZE], data: draft },
    });

    // The same layers, computed directly with onnxruntime-node.
    const run = async (name: string, previous: Float32Array[]) => {
      const feeds: Record<string, ort.Tensor> = {
        source: new ort.Tensor('float32', source.slice(), [1, SIZE]),
      };
      previous.forEach((p, j) => {
        feeds[`previous_${j}`] = new ort.Tensor('float32', p.slice(), [1, SIZE]);
      });
      return (await referenceRun(models.get(name)!, feeds)).refined!.data as Float32Array;
    };
    let previous = [draft, draft];
    for (const row of grid)
      previous = await Promise.all(row.map((seed) => run(`p${seed}`, previous)));
    const expected = await run('p75', previous);

    expect(result.trace.rounds.map((r) => r.name)).toEqual(['layer 1', 'layer 2', 'aggregate']);
    expect(result.trace.rounds[0]!.steps.map((s) => s.actor)).toEqual(['p71', 'p72']);
    Array.from(result.outputs.aggregated!.data as Float32Array).forEach((v, i) =>
      expect(v).toBeCloseTo(expected[i]!, 5),
    );
    expect(runtime.arena.stats().bytesInUse).toBe(0);
  });
});
