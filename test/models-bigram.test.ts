import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { bigramModel, bigramTable } from '../src/models/index.js';
import { readModelInitializers } from '../src/onnx/index.js';
import { SeededRandom } from '../src/util/random.js';

const vocab = 50;
const context = 6;

/** A seeded language: each row a log-probability distribution over the next token. */
function languageLogProbs(seed: number): Float32Array {
  const random = new SeededRandom(seed);
  const table = new Float32Array(vocab * vocab);
  for (let row = 0; row < vocab; row++) {
    const scores = Array.from({ length: vocab }, () => random.normal(0, 2));
    const max = Math.max(...scores);
    const logZ = max + Math.log(scores.reduce((a, s) => a + Math.exp(s - max), 0));
    scores.forEach((s, col) => {
      table[row * vocab + col] = s - logZ;
    });
  }
  return table;
}

async function run(bytes: Uint8Array, tokens: BigInt64Array): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes);
  const batch = tokens.length / context;
  const result = await session.run({ tokens: new ort.Tensor('int64', tokens, [batch, context]) });
  await session.release();
  expect(result.logits!.dims).toEqual([batch, vocab]);
  return result.logits!.data as Float32Array;
}

describe('bigram model', () => {
  const logits = languageLogProbs(1);
  // Row 0 is all padding; the others end in tokens 17 and 49, with earlier tokens that must not matter.
  const tokens = new BigInt64Array(
    [0, 0, 0, 0, 0, 0, 0, 0, 3, 9, 4, 17, 5, 1, 2, 8, 7, 49].map(BigInt),
  );
  const lastTokens = [0, 17, 49];

  it('outputs, without noise, exactly the table row of the last token', async () => {
    const { bytes, description } = bigramModel({ seed: 3, vocab, logits, context });
    expect(description.inputs).toEqual([
      { name: 'tokens', dtype: 'int64', dims: ['batch', context] },
    ]);
    expect(description.outputs).toEqual([
      { name: 'logits', dtype: 'float32', dims: ['batch', vocab] },
    ]);
    const output = await run(bytes, tokens);
    lastTokens.forEach((token, b) => {
      expect(output.subarray(b * vocab, (b + 1) * vocab)).toEqual(
        logits.subarray(token * vocab, (token + 1) * vocab),
      );
    });
  });

  it('adds seeded noise of the asked strength, the same in the model and in bigramTable', async () => {
    const noise = 0.5;
    const { bytes } = bigramModel({ seed: 3, vocab, logits, noise, context });
    const table = bigramTable({ seed: 3, vocab, logits, noise });
    const stored = readModelInitializers(bytes).get('table');
    expect(stored?.dims).toEqual([vocab, vocab]);
    expect(stored?.data).toEqual(table);

    const output = await run(bytes, tokens);
    lastTokens.forEach((token, b) => {
      expect(output.subarray(b * vocab, (b + 1) * vocab)).toEqual(
        table.subarray(token * vocab, (token + 1) * vocab),
      );
    });

    const deviations = table.map((v, i) => v - logits[i]!);
    const rms = Math.sqrt(deviations.reduce((a, d) => a + d * d, 0) / deviations.length);
    expect(rms).toBeGreaterThan(noise * 0.95);
    expect(rms).toBeLessThan(noise * 1.05);
    // Another seed is another imperfect model of the same language.
    const other = bigramTable({ seed: 4, vocab, logits, noise });
    expect(other).not.toEqual(table);
  });

  it('refuses a table that is not vocab × vocab, and negative noise', () => {
    expect(() => bigramModel({ seed: 0, vocab, logits: new Float32Array(vocab) })).toThrow(
      /logits must hold vocab × vocab = 2500 values, got 50/,
    );
    expect(() => bigramModel({ seed: 0, vocab, logits, noise: -1 })).toThrow(
      expect.objectContaining({ code: 'ERR_ARGUMENT', argument: 'options.noise' }),
    );
  });
});
