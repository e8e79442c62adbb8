import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeEncoderDecoderFolder } from '../src/models/decoders/index.js';
import { EncoderDecoderState } from './support/plain-decoder/encoder-decoder-state.js';
import { intMatrix } from './support/plain-decoder/kv-cache.js';

// A generated Marian-like folder: decoding through the cache (first-step file, then the
// with-past file; or the merged file both times) gives the logits of running the decoder's whole window without a cache.
describe('generated encoder–decoder: cached decoding', () => {
  let dir: string;
  const source = [5, 17, 9, 30, 2];
  const target = [0, 12, 7, 40, 3, 22];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'seq2seq-'));
    await writeEncoderDecoderFolder(dir, { seed: 3 });
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  async function uncachedLogits(): Promise<Float32Array[]> {
    const encoder = await ort.InferenceSession.create(join(dir, 'encoder_model.onnx'));
    const decoder = await ort.InferenceSession.create(join(dir, 'decoder_model.onnx'));
    const mask = intMatrix('int64', [source.map(() => 1)]);
    const encoded = await encoder.run({
      input_ids: intMatrix('int64', [source]),
      attention_mask: mask,
    });
    const out = await decoder.run({
      encoder_attention_mask: mask,
      input_ids: intMatrix('int64', [target]),
      encoder_hidden_states: encoded.last_hidden_state!,
    });
    await encoder.release();
    await decoder.release();
    const [, seq, vocab] = out.logits!.dims as [number, number, number];
    const data = out.logits!.data as Float32Array;
    return Array.from({ length: seq }, (_, i) => data.slice(i * vocab, (i + 1) * vocab));
  }

  for (const form of ['split', 'merged'] as const) {
    it(`${form} form: every cached step equals the uncached window within 1e-4`, async () => {
      const expected = await uncachedLogits();
      const state = await EncoderDecoderState.open(dir, source, 1, form);
      // The state starts from decoder_start_token_id, the pad token 0, as target[0] is.
      const cached = [(await state.prefill())[0]!];
      for (const token of target.slice(1)) cached.push((await state.step([token]))[0]!);
      await state.release();
      expect(cached).toHaveLength(target.length);
      cached.forEach((logits, step) => {
        for (let v = 0; v < logits.length; v++) {
          expect(Math.abs(logits[v]! - expected[step]![v]!)).toBeLessThan(1e-4);
        }
      });
      expect(Math.abs(expected[0]![0]! - expected[1]![0]!)).toBeGreaterThan(1e-3);
    });
  }
});
