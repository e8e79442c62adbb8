import * as args from '../../actor/arguments.js';
import { ArgumentError } from '../../errors.js';
import type { DecodeResult } from '../../plan-runner/run-decode.js';
import type { QeScore } from '../qe/quality-estimator.js';
import type { TmHit } from '../tm-actor/tm-hit.js';
import { mbr, rerank } from './candidate-methods.js';
import { TranslationError } from './errors.js';
import { fusedDecode } from './fused-decode.js';
import { cascade } from './method-cascade.js';
import type { MethodContext, MethodResult, TmHintInput } from './method-context.js';
import { refine } from './method-refine.js';
import { buildPrompt } from './prompt.js';
import { SharedWork, stripEnd, Tally } from './shared-work.js';
import {
  checkEngines,
  checkMethod,
  checkTranslateOptions,
  checkTranslatorOptions,
} from './translator-options.js';
import {
  TRANSLATION_METHODS,
  type TranslateOptions,
  type Translation,
  type TranslationMethod,
  type TranslatorOptions,
} from './translator-types.js';

// The translator's types are declared in translator-types.ts; importers of the class see them here too.
export { runTime } from './shared-work.js';
export * from './translator-types.js';

/**
 * Translates segments with the runtime's actors: model engines decoding alone or fused, the hint
 * actor, the QE plan, the translation-memory actor. One translator serves concurrent calls.
 *
 * This class is the public surface: it checks arguments (translator-options.ts), asks the memory,
 * shares each segment's decodes among its methods (shared-work.ts) and dispatches each method to
 * its body (candidate-methods.ts, method-refine.ts, method-cascade.ts), which reach back through a
 * {@link MethodContext}.
 */
export class Translator {
  readonly #options: TranslatorOptions;
  readonly #beam: number;
  readonly #weights: readonly number[];
  readonly #temperatures: readonly number[];
  readonly #methods: MethodContext;

  constructor(given: TranslatorOptions) {
    const options = checkTranslatorOptions(given);
    const { weights, temperatures } = checkEngines(options);
    this.#options = options;
    this.#beam = options.beamWidth ?? 4;
    this.#weights = weights;
    this.#temperatures = temperatures;
    this.#methods = {
      options,
      weights,
      best: (result) => this.#best(result),
      asTranslation: (tokens) => this.#asTranslation(tokens),
      qe: (source, candidates, tally) => this.#qe(source, candidates, tally),
      decode: (engines, source, hint, prefix) => this.decode(engines, source, hint, prefix),
    };
  }

  get engines(): readonly string[] {
    return this.#options.engines;
  }

  /** Translates one segment with one method. */
  async translate(
    text: string,
    method: TranslationMethod,
    given: TranslateOptions = {},
  ): Promise<Translation> {
    const where = 'Translator.translate';
    args.text(where, 'text', text);
    checkMethod(where, 'method', method, this.#options.engines.length);
    const options = checkTranslateOptions(where, given);
    const [translation] = await this.translateEvery(text, [method], options);
    const result = translation!;
    const storeAtLeast = options.storeAtLeast;
    if (
      storeAtLeast === undefined ||
      result.origin === 'tm' ||
      !this.#options.tm ||
      result.text === ''
    )
      return result;
    const qe =
      result.qe ?? (await this.#qe(this.#options.tokenizer.encode(text), [result.tokens]))[0]!.mean;
    const stored =
      qe >= storeAtLeast
        ? await this.#options.tm.store({ source: text, target: result.text, qe })
        : false;
    return { ...result, qe, stored };
  }

  /**
   * Translates one segment with several methods, sharing the work they have in common (the
   * memory lookup, each engine's decode, the ensemble's): every result is the one `translate`
   * gives for that method alone.
   */
  async translateEvery(
    text: string,
    given: readonly TranslationMethod[],
    givenOptions: TranslateOptions = {},
  ): Promise<Translation[]> {
    const where = 'Translator.translateEvery';
    args.text(where, 'text', text);
    const methods = args.list(where, 'methods', given, 'an array of methods', (method, at) =>
      checkMethod(where, at, method, this.#options.engines.length),
    );
    const options = checkTranslateOptions(where, givenOptions);
    const o = this.#options;
    const source = o.tokenizer.encode(text);
    const useTm = (options.useTm ?? true) && o.tm !== undefined;
    const hit: TmHit = useTm ? await o.tm!.lookup(text) : { kind: 'none' };
    const match = hit.kind === 'none' ? undefined : { kind: hit.kind, score: hit.score };
    if (hit.kind === 'exact') {
      return methods.map((method) => ({
        text: hit.target,
        tokens: [],
        method,
        origin: 'tm',
        match: match!,
        modelRuns: 0,
      }));
    }
    const hint =
      hit.kind === 'fuzzy' && o.hint
        ? o.tokenizer.encode(hit.target).slice(0, o.maxLength)
        : undefined;
    this.#checkFits(text, source, hint);
    const tmHint = hint && o.hint ? { tokens: hint, weight: o.hint.weight } : undefined;
    const work = new SharedWork(source, tmHint, o.engines.length, (engines) =>
      this.decode(engines, source, tmHint),
    );
    work.tmMatch = hit.kind === 'fuzzy' ? hit.score / 100 : 0;
    return Promise.all(
      methods.map(async (method) => {
        const done = await this.#run(method, work);
        return { ...done, method, origin: 'models' as const, ...(match ? { match } : {}) };
      }),
    );
  }

  async #run(
    method: TranslationMethod,
    work: SharedWork,
  ): Promise<Omit<Translation, 'method' | 'origin'>> {
    const tally = new Tally();
    const done = await this.#runCounted(method, work, tally);
    return { ...done, modelRuns: tally.runs, computeMs: tally.computeMs };
  }

  async #runCounted(
    method: TranslationMethod,
    work: SharedWork,
    tally: Tally,
  ): Promise<MethodResult> {
    switch (method) {
      case 'single':
        return this.#asTranslation(this.#best(tally.decoded(await work.engine(0), 1)));
      case 'ensemble':
        return this.#asTranslation(
          this.#best(tally.decoded(await work.ensemble(), this.#options.engines.length)),
        );
      case 'rerank':
        return rerank(this.#methods, work, tally);
      case 'mbr':
        return mbr(this.#methods, work, tally);
      case 'refine':
        return refine(this.#methods, work, tally, false);
      case 'refine-ensemble':
        return refine(this.#methods, work, tally, true);
      case 'cascade':
        return cascade(this.#methods, work, tally);
      default: {
        const k = /^engine:(\d+)$/.exec(method)?.[1];
        if (k !== undefined && Number(k) < this.#options.engines.length)
          return this.#asTranslation(this.#best(tally.decoded(await work.engine(Number(k)), 1)));
        throw new ArgumentError(
          `translator: unknown method ${JSON.stringify(method)}; use one of ${TRANSLATION_METHODS.join(', ')} or engine:<k>`,
          'method',
        );
      }
    }
  }

  /**
   * One decode with engines `engines` (indices) fused with their weights renormalised, and the
   * hint actor when a hint is given; the output continues `prefix` (a forced start of the
   * translation), which the result's tokens do not repeat.
   */
  decode(
    engines: readonly number[],
    source: readonly number[],
    hint?: TmHintInput,
    prefix: readonly number[] = [],
  ): Promise<DecodeResult> {
    const fusion = { weights: this.#weights, temperatures: this.#temperatures };
    return fusedDecode(this.#options, fusion, this.#beam, engines, source, hint, prefix);
  }

  #qe(
    source: readonly number[],
    candidates: readonly (readonly number[])[],
    tally?: Tally,
  ): Promise<QeScore[]> {
    if (!this.#options.qe)
      return Promise.reject(new TranslationError('translator: this method needs a QE model'));
    if (!tally) return this.#options.qe.score(source, candidates);
    tally.runs++;
    return this.#options.qe.scoreWithCost(source, candidates).then(({ scores, runMs }) => {
      tally.computeMs += runMs;
      return scores;
    });
  }

  /** The best hypothesis' tokens without the end token. */
  #best(result: DecodeResult): number[] {
    return stripEnd(result.tokens, this.#options.layout.eos);
  }

  #asTranslation(tokens: readonly number[]): { text: string; tokens: readonly number[] } {
    return { text: this.#options.tokenizer.decode(tokens), tokens };
  }

  #checkFits(text: string, source: readonly number[], hint: readonly number[] | undefined): void {
    const o = this.#options;
    // The window must still hold <s> when the last token is predicted, or the models lose the source.
    const needed =
      buildPrompt(o.layout, source, o.hint ? new Array(o.maxLength).fill(0) : hint).length +
      o.maxLength;
    if (needed > o.context) {
      throw new TranslationError(
        `segment of ${source.length} tokens is too long for the models' window of ${o.context} tokens ` +
          `(prompt, ${o.hint ? 'hint, ' : ''}and up to ${o.maxLength} output tokens need ${needed}): ${JSON.stringify(text.slice(0, 60))}`,
      );
    }
  }
}
