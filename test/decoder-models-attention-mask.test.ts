import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDecoderFolder } from '../src/models/decoders/index.js';
import { intMatrix, lastPositionLogits } from './support/plain-decoder/kv-cache.js';

// The generated decoder's mask combines causality with `attention_mask`, so padding is invisible.
describe('generated Optimum decoder: attention_mask', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'decoder-models-'));
    await writeDecoderFolder(dir, { seed: 7, form: 'split' });
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('honours attention_mask: a left-padded row gives the logits of the same tokens alone', async () => {
    const session = await ort.InferenceSession.create(join(dir, 'decoder_model.onnx'));
    const tokens = [1, 17, 5, 42];
    const padded = [0, 0, ...tokens];
    const run = (ids: number[], mask: number[], positions: number[]) =>
      session.run({
        input_ids: intMatrix('int64', [ids]),
        attention_mask: intMatrix('int64', [mask]),
        position_ids: intMatrix('int64', [positions]),
      });
    const alone = lastPositionLogits((await run(tokens, [1, 1, 1, 1], [0, 1, 2, 3])).logits!)[0]!;
    // Positions as Hugging Face computes them for a padded row: cumsum(mask) - 1, pads at 1.
    const masked = await run(padded, [0, 0, 1, 1, 1, 1], [1, 1, 0, 1, 2, 3]);
    const unmasked = await run(padded, [1, 1, 1, 1, 1, 1], [1, 1, 0, 1, 2, 3]);
    await session.release();
    const withMask = lastPositionLogits(masked.logits!)[0]!;
    const withoutMask = lastPositionLogits(unmasked.logits!)[0]!;
    for (let v = 0; v < alone.length; v++) {
      expect(Math.abs(withMask[v]! - alone[v]!)).toBeLessThan(1e-4);
    }
    const moved = alone.some((x, v) => Math.abs(x - withoutMask[v]!) > 1e-3);
    expect(moved).toBe(true);
  });
});
