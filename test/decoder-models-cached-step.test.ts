import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDecoderFolder } from '../src/models/decoders/index.js';
import { intMatrix } from './support/plain-decoder/kv-cache.js';
import { OptimumState } from './support/plain-decoder/optimum-state.js';

// A generated Optimum decoder: a prefill then one token at a time through the cache gives the
// logits that running the whole window without a cache gives.
describe('generated Optimum decoder: cached steps', () => {
  let dir: string;
  const window = [1, 17, 5, 42, 9, 33, 8, 21, 60, 4];
  const promptLength = 3;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'decoder-models-'));
    await writeDecoderFolder(dir, { seed: 7 });
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  async function fullWindowLogits(): Promise<Float32Array[]> {
    const session = await ort.InferenceSession.create(join(dir, 'decoder_model.onnx'));
    const out = await session.run({
      input_ids: intMatrix('int64', [window]),
      attention_mask: intMatrix('int64', [window.map(() => 1)]),
      position_ids: intMatrix('int64', [window.map((_, i) => i)]),
    });
    await session.release();
    const [, seq, vocab] = out.logits!.dims as [number, number, number];
    const data = out.logits!.data as Float32Array;
    return Array.from({ length: seq }, (_, i) => data.slice(i * vocab, (i + 1) * vocab));
  }

  for (const form of ['split', 'merged'] as const) {
    it(`${form} form: every cached step equals the full window's logits within 1e-4`, async () => {
      const full = await fullWindowLogits();
      const state = await OptimumState.open(dir, window.slice(0, promptLength), 1, form);
      const cached = [(await state.prefill())[0]!];
      for (const token of window.slice(promptLength)) cached.push((await state.step([token]))[0]!);
      await state.release();
      expect(cached).toHaveLength(window.length - promptLength + 1);
      cached.forEach((logits, step) => {
        const expected = full[promptLength - 1 + step]!;
        for (let v = 0; v < expected.length; v++) {
          expect(Math.abs(logits[v]! - expected[v]!)).toBeLessThan(1e-4);
        }
      });
      // Logits that did not depend on the tokens would pass the comparison above trivially.
      expect(Math.abs(full[0]![0]! - full[1]![0]!)).toBeGreaterThan(1e-3);
    });
  }
});
