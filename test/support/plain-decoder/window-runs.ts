import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { readGenaiConfig } from './genai-state.js';
import { emptyCache, intMatrix, lastPositionLogits } from './kv-cache.js';
import type { WindowRun } from './recompute-state.js';

/** Runs whole windows through a genai folder's decoder with an empty past, no cache kept. */
export async function genaiWindowRun(
  dir: string,
): Promise<{ run: WindowRun; vocab: number; release: () => Promise<void> }> {
  const config = readGenaiConfig(dir).model;
  const decoder = config.decoder;
  const session = await ort.InferenceSession.create(join(dir, decoder.filename));
  const run: WindowRun = async (rows) => {
    const seq = rows[0]!.length;
    const feeds: Record<string, ort.Tensor> = {
      input_ids: intMatrix('int32', rows),
      position_ids: intMatrix(
        'int32',
        rows.map(() => Array.from({ length: seq }, (_, i) => i)),
      ),
      attention_mask: intMatrix(
        'int32',
        rows.map(() => new Array<number>(seq).fill(1)),
      ),
    };
    for (let i = 0; i < decoder.num_hidden_layers; i++) {
      feeds[decoder.inputs.past_names.replace('%d', String(i))] = emptyCache([
        2,
        rows.length,
        decoder.num_key_value_heads,
        0,
        decoder.head_size,
      ]);
    }
    return lastPositionLogits((await session.run(feeds)).logits!);
  };
  return { run, vocab: config.vocab_size, release: () => session.release() };
}

/** Runs whole windows through an Optimum folder's `decoder_model.onnx` (no past inputs). */
export async function optimumWindowRun(
  dir: string,
  vocab: number,
): Promise<{ run: WindowRun; vocab: number; release: () => Promise<void> }> {
  const session = await ort.InferenceSession.create(join(dir, 'decoder_model.onnx'));
  const run: WindowRun = async (rows) => {
    const seq = rows[0]!.length;
    const out = await session.run({
      input_ids: intMatrix('int64', rows),
      attention_mask: intMatrix(
        'int64',
        rows.map(() => new Array<number>(seq).fill(1)),
      ),
      position_ids: intMatrix(
        'int64',
        rows.map(() => Array.from({ length: seq }, (_, i) => i)),
      ),
    });
    return lastPositionLogits(out.logits!);
  };
  return { run, vocab, release: () => session.release() };
}

/**
 * Runs whole decoder windows of an encoder–decoder folder through `decoder_model.onnx`, against
 * the encoder's output for `source` (computed once); no cache kept.
 */
export async function seq2seqWindowRun(
  dir: string,
  source: readonly number[],
  vocab: number,
): Promise<{ run: WindowRun; vocab: number; release: () => Promise<void> }> {
  const encoder = await ort.InferenceSession.create(join(dir, 'encoder_model.onnx'));
  const decoder = await ort.InferenceSession.create(join(dir, 'decoder_model.onnx'));
  const run: WindowRun = async (rows) => {
    const sources = rows.map(() => source);
    const mask = intMatrix(
      'int64',
      sources.map((s) => s.map(() => 1)),
    );
    const encoded = await encoder.run({
      input_ids: intMatrix('int64', sources),
      attention_mask: mask,
    });
    const out = await decoder.run({
      encoder_attention_mask: mask,
      input_ids: intMatrix('int64', rows),
      encoder_hidden_states: encoded.last_hidden_state!,
    });
    return lastPositionLogits(out.logits!);
  };
  const release = async () => {
    await encoder.release();
    await decoder.release();
  };
  return { run, vocab, release };
}
