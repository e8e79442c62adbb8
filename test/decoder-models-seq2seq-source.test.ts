import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeEncoderDecoderFolder } from '../src/models/decoders/index.js';
import { EncoderDecoderState } from './support/plain-decoder/encoder-decoder-state.js';
import { intMatrix, lastPositionLogits } from './support/plain-decoder/kv-cache.js';

// The decoder reads the source through cross-attention, and the source's padding is invisible.
describe('generated encoder–decoder: the source', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'seq2seq-'));
    await writeEncoderDecoderFolder(dir, { seed: 3 });
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  async function firstLogits(source: number[], mask: number[]): Promise<Float32Array> {
    const encoder = await ort.InferenceSession.create(join(dir, 'encoder_model.onnx'));
    const decoder = await ort.InferenceSession.create(join(dir, 'decoder_model.onnx'));
    const maskTensor = intMatrix('int64', [mask]);
    const encoded = await encoder.run({
      input_ids: intMatrix('int64', [source]),
      attention_mask: maskTensor,
    });
    const out = await decoder.run({
      encoder_attention_mask: maskTensor,
      input_ids: intMatrix('int64', [[0, 12]]),
      encoder_hidden_states: encoded.last_hidden_state!,
    });
    await encoder.release();
    await decoder.release();
    return lastPositionLogits(out.logits!)[0]!;
  }

  it('gives other logits for another source', async () => {
    const a = await firstLogits([5, 17, 9, 2], [1, 1, 1, 1]);
    const b = await firstLogits([8, 31, 44, 2], [1, 1, 1, 1]);
    expect(a.some((x, v) => Math.abs(x - b[v]!) > 1e-3)).toBe(true);
  });

  it('ignores source positions whose encoder_attention_mask is 0', async () => {
    const alone = await firstLogits([5, 17, 9, 2], [1, 1, 1, 1]);
    const padded = await firstLogits([5, 17, 9, 2, 0, 0], [1, 1, 1, 1, 0, 0]);
    for (let v = 0; v < alone.length; v++) {
      expect(Math.abs(alone[v]! - padded[v]!)).toBeLessThan(1e-4);
    }
  });

  it('keeps the cross-attention cache of the first step through later steps', async () => {
    const state = await EncoderDecoderState.open(dir, [5, 17, 9, 2], 2);
    await state.prefill();
    state.reorder([1, 1]);
    const [row0, row1] = await state.step([12, 12]);
    await state.release();
    expect(row0).toEqual(row1);
    const direct = await firstLogits([5, 17, 9, 2], [1, 1, 1, 1]);
    for (let v = 0; v < direct.length; v++) {
      expect(Math.abs(row0![v]! - direct[v]!)).toBeLessThan(1e-4);
    }
  });
});
