import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { onnx } from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  targetAlternative,
  targetDisagrees,
  writeDraftTargetPair,
} from '../src/models/decoders/index.js';
import { decodeModelProto } from '../src/onnx/model-proto.js';
import { seededRandom } from '../src/util/mulberry32.js';
import { intMatrix } from './support/plain-decoder/kv-cache.js';

/** Multiply-adds of every MatMul whose right side is a weight, If branches included. */
function matmulWeights(graph: onnx.IGraphProto): number {
  const sizes = new Map<string, number>();
  for (const tensor of graph.initializer ?? []) {
    sizes.set(
      tensor.name!,
      (tensor.dims ?? []).reduce<number>((a, b) => a * Number(b), 1),
    );
  }
  let total = 0;
  const walk = (g: onnx.IGraphProto) => {
    for (const node of g.node ?? []) {
      if (node.opType === 'MatMul') total += sizes.get(node.input![1]!) ?? 0;
      for (const attribute of node.attribute ?? []) {
        // A merged model runs one branch per call: count the with-past one.
        if (attribute.g && attribute.name === 'then_branch') walk(attribute.g);
      }
    }
  };
  walk(graph);
  return total;
}

// The generated draft/target pair: the target does at least 8× the draft's multiply-adds per
// step (counted from the files), and its greedy choice is the draft's exactly where the
// published hash says they agree, which is the configured share of contexts.
describe('generated draft/target decoder pair', () => {
  let dir: string;
  const options = { seed: 21, agreement: 0.8 } as const;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'roundtable-pair-'));
    await writeDraftTargetPair(dir, options);
  });
  afterAll(() => rm(dir, { recursive: true }));

  it('the target costs at least 8× the draft per step, structurally', async () => {
    for (const file of ['decoder_with_past_model.onnx', 'decoder_model_merged.onnx']) {
      const draft = decodeModelProto(await readFile(join(dir, 'draft', file)));
      const target = decodeModelProto(await readFile(join(dir, 'target', file)));
      const ratio = matmulWeights(target.graph!) / matmulWeights(draft.graph!);
      expect(ratio).toBeGreaterThanOrEqual(8);
    }
  });

  it('agrees with the draft exactly where the hash says, on about the configured share', async () => {
    const draft = await ort.InferenceSession.create(join(dir, 'draft', 'decoder_model.onnx'));
    const target = await ort.InferenceSession.create(join(dir, 'target', 'decoder_model.onnx'));
    const run = async (session: ort.InferenceSession, window: number[]) => {
      const out = await session.run({
        input_ids: intMatrix('int64', [window]),
        attention_mask: intMatrix('int64', [window.map(() => 1)]),
        position_ids: intMatrix('int64', [window.map((_, i) => i)]),
      });
      return out.logits!.data as Float32Array;
    };
    const argmax = (data: Float32Array, row: number, vocab: number) => {
      let best = 0;
      for (let v = 1; v < vocab; v++)
        if (data[row * vocab + v]! > data[row * vocab + best]!) best = v;
      return best;
    };
    const vocab = 64;
    const random = seededRandom(5);
    let contexts = 0;
    let agreed = 0;
    let flagged = 0;
    for (let w = 0; w < 30; w++) {
      const window = Array.from({ length: 16 }, () => 4 + Math.floor(random() * (vocab - 4)));
      const [d, t] = [await run(draft, window), await run(target, window)];
      for (let position = 0; position < window.length; position++) {
        const draftBest = argmax(d, position, vocab);
        const targetBest = argmax(t, position, vocab);
        const disagrees = targetDisagrees(options, window[position]!, position);
        expect(targetBest).toBe(disagrees ? targetAlternative(draftBest, vocab) : draftBest);
        contexts++;
        if (targetBest === draftBest) agreed++;
        if (disagrees) flagged++;
      }
    }
    await draft.release();
    await target.release();
    // Both kinds of context occur, and the share agreeing is the configured one within 4.5
    // standard deviations of 480 draws (±0.082).
    expect(flagged).toBeGreaterThan(0);
    expect(Math.abs(agreed / contexts - options.agreement)).toBeLessThan(0.082);
  });

  it('refuses an agreement outside [0, 1], naming it', async () => {
    await expect(
      writeDraftTargetPair(join(dir, 'bad'), { seed: 1, agreement: 1.5 }),
    ).rejects.toThrow(/agreement must be in \[0, 1\], got 1.5/);
  });
});
