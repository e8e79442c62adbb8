import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { nextTokenModel } from '../src/models/index.js';
import { decode } from '../src/plans/builders.js';
import { logSoftmaxRows, referenceRun } from './support/reference.js';
import { startRuntime } from './support/runtime.js';

const VOCAB = 40;
const CONTEXT = 4;
const seeds = [51, 52, 53];
const models = seeds.map((seed) =>
  nextTokenModel({ seed, vocab: VOCAB, embed: 8, hidden: 16, context: CONTEXT }),
);

/** The fused next-token log-probabilities for each context, computed directly with onnxruntime-node. */
async function fusedLogprobs(contexts: number[][], weights: number[]): Promise<Float64Array[]> {
  const window = new BigInt64Array(contexts.flatMap((c) => c.map(BigInt)));
  const rows = contexts.length;
  const perModel = await Promise.all(
    models.map(async (m) => {
      const out = await referenceRun(m.bytes, {
        tokens: new ort.Tensor('int64', window, [rows, CONTEXT]),
      });
      return logSoftmaxRows(out.logits!.data as Float32Array, VOCAB);
    }),
  );
  return contexts.map((_, r) => {
    const s = new Float64Array(VOCAB);
    for (let v = 0; v < VOCAB; v++)
      s[v] = perModel.reduce((acc, lp, k) => acc + weights[k]! * lp[r * VOCAB + v]!, 0);
    const norm = Math.log(s.reduce((a, x) => a + Math.exp(x), 0));
    return s.map((x) => x - norm);
  });
}

function windowOf(tokens: number[]): number[] {
  const tail = tokens.slice(-CONTEXT);
  return [...Array(CONTEXT - tail.length).fill(0), ...tail];
}

describe('a decode plan', () => {
  it('greedy ensemble decoding picks, each step, the argmax of the log-linear fusion', async () => {
    const runtime = await startRuntime();
    await Promise.all(models.map((m, k) => runtime.spawnModel(`lm${k}`, { model: m.bytes })));
    const weights = [0.5, 0.25, 0.25];
    const plan = decode({
      name: 'greedy',
      models: models.map((_, k) => ({ actor: `lm${k}` })),
      fusion: { strategy: 'log-linear', weights },
      search: { type: 'greedy' },
      context: CONTEXT,
      endToken: 1,
      maxLength: 6,
    });
    const prompt = [5, 9];
    const result = await runtime.decode(plan, prompt);

    // Reference: the same loop on the calling thread.
    const tokens: number[] = [];
    let logprob = 0;
    for (let step = 0; step < 6; step++) {
      const [lp] = await fusedLogprobs([windowOf([...prompt, ...tokens])], weights);
      let best = 0;
      for (let v = 1; v < VOCAB; v++) if (lp![v]! > lp![best]!) best = v;
      tokens.push(best);
      logprob += lp![best]!;
      if (best === 1) break;
    }
    expect(result.tokens).toEqual(tokens);
    expect(result.logprob).toBeCloseTo(logprob, 4);
    expect(result.trace.rounds).toHaveLength(tokens.length);
    expect(result.trace.rounds[0]!.steps.map((s) => s.weight)).toEqual(weights);
    expect(runtime.arena.stats().bytesInUse).toBe(0);
  });

  it('beam search returns the best length-normalised hypothesis, never worse than greedy', async () => {
    const runtime = await startRuntime();
    await Promise.all(models.map((m, k) => runtime.spawnModel(`lm${k}`, { model: m.bytes })));
    const base = {
      name: 'search',
      models: models.map((_, k) => ({ actor: `lm${k}` })),
      fusion: { strategy: 'log-mean' as const },
      context: CONTEXT,
      endToken: 1,
      maxLength: 5,
    };
    const greedy = await runtime.decode(decode({ ...base, search: { type: 'greedy' } }), [3]);
    const beam = await runtime.decode(
      decode({ ...base, search: { type: 'beam', beamWidth: 4, lengthPenalty: 0 } }),
      [3],
    );
    // With α = 0 the score is the summed log-probability; on this seeded case the wider search finds
    // a sequence at least as likely as the greedy one.
    expect(beam.logprob).toBeGreaterThanOrEqual(greedy.logprob - 1e-6);
    expect(beam.hypotheses.length).toBeGreaterThanOrEqual(1);
    for (let i = 1; i < beam.hypotheses.length; i++)
      expect(beam.hypotheses[i - 1]!.score).toBeGreaterThanOrEqual(beam.hypotheses[i]!.score);
    // Every hypothesis' log-probability is what the fused model gives its tokens.
    const best = beam.hypotheses[0]!;
    let check = 0;
    const seq = [3];
    for (const token of best.tokens) {
      const [lp] = await fusedLogprobsLogMean([windowOf(seq)]);
      check += lp![token]!;
      seq.push(token);
    }
    expect(best.logprob).toBeCloseTo(check, 4);
    expect(runtime.arena.stats().bytesInUse).toBe(0);
  });
});

/** log of the mean probability (fairseq's ensemble), uniform weights. */
async function fusedLogprobsLogMean(contexts: number[][]): Promise<Float64Array[]> {
  const window = new BigInt64Array(contexts.flatMap((c) => c.map(BigInt)));
  const perModel = await Promise.all(
    models.map(async (m) => {
      const out = await referenceRun(m.bytes, {
        tokens: new ort.Tensor('int64', window, [contexts.length, CONTEXT]),
      });
      return logSoftmaxRows(out.logits!.data as Float32Array, VOCAB);
    }),
  );
  return contexts.map((_, r) => {
    const s = new Float64Array(VOCAB);
    for (let v = 0; v < VOCAB; v++)
      s[v] = Math.log(
        perModel.reduce((acc, lp) => acc + Math.exp(lp[r * VOCAB + v]!) / models.length, 0),
      );
    return s;
  });
}
