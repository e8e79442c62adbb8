import type { DecodeResult } from '../../plan-runner/run-decode.js';

/** Decodes that several methods of one segment share, each run once, on first use. */
export class SharedWork {
  readonly source: readonly number[];
  readonly hint: { readonly tokens: readonly number[]; readonly weight: number } | undefined;
  /** The memory's fuzzy score / 100 (0 without a fuzzy match): a cascade signal. */
  tmMatch = 0;
  readonly #decode: (engines: readonly number[]) => Promise<DecodeResult>;
  readonly #engines = new Map<number, Promise<DecodeResult>>();
  readonly #count: number;
  #ensemble: Promise<DecodeResult> | undefined;

  constructor(
    source: readonly number[],
    hint: { readonly tokens: readonly number[]; readonly weight: number } | undefined,
    count: number,
    decode: (engines: readonly number[]) => Promise<DecodeResult>,
  ) {
    this.source = source;
    this.hint = hint;
    this.#count = count;
    this.#decode = decode;
  }

  engine(k: number): Promise<DecodeResult> {
    let result = this.#engines.get(k);
    if (!result) {
      result = this.#decode([k]);
      this.#engines.set(k, result);
    }
    return result;
  }

  ensemble(): Promise<DecodeResult> {
    this.#ensemble ??= this.#decode(Array.from({ length: this.#count }, (_, k) => k));
    return this.#ensemble;
  }
}

/** Counts the model runs of one method. */
export class Tally {
  runs = 0;
  computeMs = 0;

  decoded(result: DecodeResult, engines: number): DecodeResult {
    this.runs += result.trace.rounds.length * engines;
    this.computeMs += runTime(result);
    return result;
  }
}

/** Time a decode's actors spent running (inside `session.run` for model actors). */
export function runTime(result: DecodeResult): number {
  let ms = 0;
  for (const round of result.trace.rounds)
    for (const step of round.steps) ms += step.runMs ?? step.ms;
  return ms;
}

/** The tokens without a final end token. */
export function stripEnd(tokens: readonly number[], eos: number): number[] {
  return tokens.at(-1) === eos ? tokens.slice(0, -1) : [...tokens];
}
