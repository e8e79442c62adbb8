import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SyntheticPair } from '../src/mt/synthetic/synthetic-pair.js';
import { translationModel } from '../src/mt/synthetic/translation-model.js';
import { translationTables } from '../src/mt/synthetic/translation-tables.js';
import { buildPrompt, promptLayout } from '../src/mt/translate/prompt.js';

const CONTEXT = 80;
const pair = SyntheticPair.create({ seed: 3 });
const tables = translationTables(pair);
const layout = promptLayout(pair.tokenizer);
const vocab = pair.tokenizer.vocabSize;

/** Greedy decoding of every prompt at once, one batched run per step, on the calling thread. */
async function greedy(session: ort.InferenceSession, prompts: number[][]): Promise<number[][]> {
  const outputs = prompts.map((): number[] => []);
  const live = new Set(prompts.keys());
  for (let step = 0; step < 26 && live.size > 0; step++) {
    const rows = [...live];
    const window = new BigInt64Array(rows.length * CONTEXT);
    rows.forEach((p, r) => {
      const sequence = [...prompts[p]!, ...outputs[p]!].slice(-CONTEXT);
      sequence.forEach((id, i) => {
        window[r * CONTEXT + CONTEXT - sequence.length + i] = BigInt(id);
      });
    });
    const result = await session.run({
      tokens: new ort.Tensor('int64', window, [rows.length, CONTEXT]),
    });
    const logits = result.logits!.data as Float32Array;
    rows.forEach((p, r) => {
      let best = 0;
      for (let v = 1; v < vocab; v++)
        if (logits[r * vocab + v]! > logits[r * vocab + best]!) best = v;
      if (best === layout.eos) live.delete(p);
      else outputs[p]!.push(best);
    });
  }
  return outputs;
}

describe('synthetic translation model: the transduction as an ONNX graph over the prompt window', () => {
  let truth: ort.InferenceSession;
  beforeAll(async () => {
    truth = await ort.InferenceSession.create(
      translationModel({ pair, tables, seed: 0, noise: 0 }).bytes,
    );
  });
  afterAll(async () => {
    await truth.release();
  });

  it('without noise, translates every held-out sentence exactly as the tree transduction does', async () => {
    const sentences = pair.sample('test', 150);
    const prompts = sentences.map((s) => buildPrompt(layout, pair.tokenizer.encode(s.source)));
    const outputs = await greedy(truth, prompts);
    outputs.forEach((ids, i) => {
      expect(pair.tokenizer.decode(ids)).toBe(sentences[i]!.target);
    });
  });

  it('finds the source after the last <s>, so a hint segment before it changes nothing', async () => {
    const sentences = pair.sample('dev', 20);
    const prompts = sentences.map((s, i) =>
      buildPrompt(
        layout,
        pair.tokenizer.encode(s.source),
        pair.tokenizer.encode(sentences[(i + 1) % 20]!.target),
      ),
    );
    const outputs = await greedy(truth, prompts);
    outputs.forEach((ids, i) => {
      expect(pair.tokenizer.decode(ids)).toBe(sentences[i]!.target);
    });
  });

  it('adds seeded noise: the same seed gives the same bytes, stronger noise more mistakes', async () => {
    const build = (seed: number, noise: number) =>
      translationModel({ pair, tables, seed, noise, sharedNoise: 0.1, noiseRows: 256 });
    const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));
    expect(same(build(5, 0.2).bytes, build(5, 0.2).bytes)).toBe(true);
    expect(same(build(5, 0.2).bytes, build(6, 0.2).bytes)).toBe(false);
    const sentences = pair.sample('test', 80);
    const prompts = sentences.map((s) => buildPrompt(layout, pair.tokenizer.encode(s.source)));
    const wrong: number[] = [];
    for (const noise of [0.15, 0.25, 0.35]) {
      const session = await ort.InferenceSession.create(build(5, noise).bytes);
      const outputs = await greedy(session, prompts);
      await session.release();
      wrong.push(
        outputs.filter((ids, i) => pair.tokenizer.decode(ids) !== sentences[i]!.target).length,
      );
    }
    expect(wrong[0]!).toBeLessThan(wrong[1]!);
    expect(wrong[1]!).toBeLessThan(wrong[2]!);
    expect(wrong[0]!).toBeGreaterThan(0);
  });

  it('rules out ids a translation never holds: source words, pad and the prompt controls', async () => {
    const model = await ort.InferenceSession.create(
      translationModel({ pair, tables, seed: 1, noise: 0.3 }).bytes,
    );
    const prompt = buildPrompt(layout, pair.tokenizer.encode(pair.sample('test', 1)[0]!.source));
    const window = new BigInt64Array(CONTEXT);
    prompt.forEach((id, i) => {
      window[CONTEXT - prompt.length + i] = BigInt(id);
    });
    const logits = (await model.run({ tokens: new ort.Tensor('int64', window, [1, CONTEXT]) }))
      .logits!.data as Float32Array;
    await model.release();
    for (const id of [layout.pad, layout.bos, layout.sep, layout.hint, prompt[1]!])
      expect(logits[id]!).toBeLessThan(-1000);
    expect(tables.output[layout.eos]).toBe(1);
  });
});
