import { describe, expect, it } from 'vitest';
import { beamSearch, type DecoderState } from './support/plain-decoder-loop.js';

const A = 0;
const B = 1;
const EOS = 2;
/** p(a) = 0.5, p(end) = 0.3, p(b) = 0.2 at every step, whatever came before. */
const LOGPROBS = Float32Array.from([Math.log(0.5), Math.log(0.2), Math.log(0.3)]);

/** A model whose next-token distribution never changes, so the search can be worked by hand. */
class ConstantState implements DecoderState {
  readonly vocab = 3;
  #rows: number;
  constructor(rows: number) {
    this.#rows = rows;
  }
  async prefill(): Promise<Float32Array[]> {
    return Array.from({ length: this.#rows }, () => LOGPROBS.slice());
  }
  async step(tokens: readonly number[]): Promise<Float32Array[]> {
    return tokens.map(() => LOGPROBS.slice());
  }
  reorder(from: readonly number[]): void {
    this.#rows = from.length;
  }
  async release(): Promise<void> {}
}

const lp = (...tokens: number[]) => tokens.reduce((sum, t) => sum + LOGPROBS[t]!, 0);

// Worked by hand from Hugging Face's BeamSearchScorer and BeamHypotheses, two beams, prompt
// [a], max_length 3. Step 1: a continues, the end token (rank 1) finishes [a] (len 1), b
// continues. Step 2: a a continues, a+end (rank 1) finishes [a a] (len 2), a b continues.
describe('plain beam search: Hugging Face semantics on a constant model', () => {
  const search = (lengthPenalty: number, earlyStopping: boolean) =>
    beamSearch(new ConstantState(2), [A], {
      eos: EOS,
      maxLength: 3,
      numBeams: 2,
      numReturnSequences: 2,
      lengthPenalty,
      earlyStopping,
    });

  it('early_stopping false: the live beams of max_length win by length-normalised score', async () => {
    const result = await search(1, false);
    expect(result.map((s) => s.ids)).toEqual([
      [A, A, A],
      [A, A, B],
    ]);
    expect(result[0]!.logprob).toBeCloseTo(lp(A, A), 6);
    expect(result[0]!.score).toBeCloseTo(lp(A, A) / 3, 6);
    expect(result[1]!.score).toBeCloseTo(lp(A, B) / 3, 6);
  });

  it('early_stopping true: stops once two hypotheses are finished; end tokens appended', async () => {
    const result = await search(1, true);
    expect(result.map((s) => s.ids)).toEqual([
      [A, A, EOS],
      [A, EOS],
    ]);
    // The length leaves out the end token and counts the prompt.
    expect(result[0]!.score).toBeCloseTo(lp(A, EOS) / 2, 6);
    expect(result[1]!.score).toBeCloseTo(lp(EOS) / 1, 6);
  });

  it('length_penalty 0: raw summed log-probabilities rank the hypotheses', async () => {
    const result = await search(0, false);
    expect(result.map((s) => s.ids)).toEqual([
      [A, EOS],
      [A, A, A],
    ]);
    expect(result.map((s) => s.score)).toEqual(result.map((s) => s.logprob));
  });
});
