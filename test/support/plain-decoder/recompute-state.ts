import type { DecoderState } from './decoder-state.js';

/** Logits of each row's last position after running each row's whole window. */
export type WindowRun = (rows: readonly (readonly number[])[]) => Promise<Float32Array[]>;

/**
 * A decoder state with no cache at all: every step runs every row's whole window again. Slow and
 * obviously right, it is what the cached states are checked against.
 */
export class RecomputeState implements DecoderState {
  readonly vocab: number;
  readonly #run: WindowRun;
  readonly #prompt: readonly number[];
  readonly #rowCount: number;
  #rows: number[][] = [];

  constructor(vocab: number, run: WindowRun, prompt: readonly number[], rows: number) {
    this.vocab = vocab;
    this.#run = run;
    this.#prompt = prompt;
    this.#rowCount = rows;
  }

  prefill(): Promise<Float32Array[]> {
    this.#rows = Array.from({ length: this.#rowCount }, () => [...this.#prompt]);
    return this.#run(this.#rows);
  }

  step(tokens: readonly number[]): Promise<Float32Array[]> {
    this.#rows.forEach((row, i) => row.push(tokens[i]!));
    return this.#run(this.#rows);
  }

  reorder(from: readonly number[]): void {
    this.#rows = from.map((i) => [...this.#rows[i]!]);
  }

  async release(): Promise<void> {}
}
