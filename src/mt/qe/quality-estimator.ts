import * as args from '../../actor/arguments.js';
import type { RoundsPlan } from '../../plans/plan.js';
import type { Roundtable } from '../../runtime/roundtable.js';
import { actorModule } from '../actor-module.js';
import * as check from '../mt-arguments.js';
import type { Tokenizer } from '../tokenizer/index.js';
import { learnEngineFusion } from '../translate/engine-fusion.js';
import { buildPrompt, type PromptLayout, windowsFor } from '../translate/prompt.js';

export interface QualityEstimatorOptions {
  /** The QE model: a next-token model of the language pair (path or bytes), never a reference. */
  readonly model: string | Uint8Array;
  readonly layout: PromptLayout;
  /** The QE model's window width. */
  readonly context: number;
  /** Prefix of the two actors' names; default 'qe'. */
  readonly name?: string;
  /** The QE model's temperature; default 1. {@link QualityEstimator.calibrate} measures it. */
  readonly temperature?: number;
}

/** The QE of one candidate. */
export interface QeScore {
  /** Mean log-probability per token, end token included: the score candidates are ranked by. */
  readonly mean: number;
  /** Log-probability of each token, end token last. */
  readonly tokens: readonly number[];
}

/**
 * Quality estimation without a reference: a separate next-token model reads the source and each
 * candidate (forced decoding) and the candidate's score is the mean log-probability it gets.
 *
 * It runs as a plan of two rounds: the QE model actor on the windows of every prefix of every
 * candidate, in one batch; then a custom actor that reduces the logits to one score per
 * candidate. Higher is better; a score is comparable across candidates of one source.
 */
export class QualityEstimator {
  readonly plan: RoundsPlan;
  /** The QE model actor's name. */
  readonly model: string;
  readonly #runtime: Roundtable;
  readonly #layout: PromptLayout;
  readonly #context: number;
  #temperature: number;

  private constructor(
    runtime: Roundtable,
    plan: RoundsPlan,
    model: string,
    options: QualityEstimatorOptions,
  ) {
    this.#runtime = runtime;
    this.plan = plan;
    this.model = model;
    this.#layout = options.layout;
    this.#context = options.context;
    this.#temperature = checkTemperature(options.temperature ?? 1);
  }

  /** The temperature scores are computed at. */
  get temperature(): number {
    return this.#temperature;
  }

  /**
   * Calibrates the QE model on parallel dev sentences (references are fine here: this is
   * tuning, not scoring): the temperature that gives their tokens the lowest NLL. Returns it.
   */
  async calibrate(
    tokenizer: Tokenizer,
    pairs: readonly { source: string; target: string }[],
  ): Promise<number> {
    tokenizer = check.tokenizer('calibrate', tokenizer);
    pairs = check.pairs('calibrate', pairs);
    const { temperatures } = await learnEngineFusion(this.#runtime, {
      engines: [this.model],
      tokenizer,
      layout: this.#layout,
      context: this.#context,
      pairs,
    });
    this.#temperature = checkTemperature(temperatures[0]!);
    return this.#temperature;
  }

  /** Spawns the QE model actor and the scoring actor in the runtime. */
  static async create(
    runtime: Roundtable,
    options: QualityEstimatorOptions,
  ): Promise<QualityEstimator> {
    runtime = check.runtime('QualityEstimator.create', runtime);
    options = check.qualityEstimatorOptions('QualityEstimator.create', options);
    checkTemperature(options.temperature ?? 1);
    const name = options.name ?? 'qe';
    const model = `${name}.model`;
    const scorer = `${name}.score`;
    await Promise.all([
      runtime.spawnModel(model, { model: options.model }),
      runtime.spawnCustom(scorer, { module: actorModule('./qe-score-actor.js', import.meta.url) }),
    ]);
    const plan: RoundsPlan = {
      kind: 'rounds',
      name,
      inputs: ['windows', 'labels', 'lengths', 'temperature'],
      outputs: ['score', 'token_logprobs'],
      rounds: [
        {
          name: 'qe model',
          steps: [
            { actor: model, inputs: { tokens: 'windows' }, outputs: { logits: 'qe.logits' } },
          ],
        },
        {
          name: 'qe score',
          steps: [
            {
              actor: scorer,
              inputs: {
                logits: 'qe.logits',
                labels: 'labels',
                lengths: 'lengths',
                temperature: 'temperature',
              },
              outputs: { score: 'score', token_logprobs: 'token_logprobs' },
            },
          ],
        },
      ],
    };
    return new QualityEstimator(runtime, plan, model, options);
  }

  /** Scores candidates (token ids without the end token) of one source (token ids). */
  async score(
    source: readonly number[],
    candidates: readonly (readonly number[])[],
  ): Promise<QeScore[]> {
    return (await this.scoreWithCost(source, candidates)).scores;
  }

  /**
   * {@link score}, and what it cost: the time its actors spent running (the QE model inside
   * `session.run`, and the scoring actor), for cascades that account for their scorer.
   */
  async scoreWithCost(
    source: readonly number[],
    candidates: readonly (readonly number[])[],
  ): Promise<{ scores: QeScore[]; runMs: number }> {
    source = args.tokenIds('QualityEstimator.score', 'source', source);
    candidates = check.candidates('QualityEstimator.score', candidates);
    if (candidates.length === 0) return { scores: [], runMs: 0 };
    const prompt = buildPrompt(this.#layout, source);
    const lengths = Int32Array.from(candidates, (c) => c.length + 1);
    const rows = lengths.reduce((sum, n) => sum + n, 0);
    const windows = new BigInt64Array(rows * this.#context);
    const labels = new BigInt64Array(rows);
    let at = 0;
    for (const candidate of candidates) {
      windowsFor(prompt, candidate, this.#context, this.#layout.pad, windows, at);
      candidate.forEach((id, i) => {
        labels[at + i] = BigInt(id);
      });
      labels[at + candidate.length] = BigInt(this.#layout.eos);
      at += candidate.length + 1;
    }
    const { outputs, trace } = await this.#runtime.run(this.plan, {
      windows: { dtype: 'int64', dims: [rows, this.#context], data: windows },
      labels: { dtype: 'int64', dims: [rows], data: labels },
      lengths: { dtype: 'int32', dims: [lengths.length], data: lengths },
      temperature: { dtype: 'float32', dims: [1], data: new Float32Array([this.#temperature]) },
    });
    const means = outputs.score!.data as Float32Array;
    const tokens = outputs.token_logprobs!.data as Float32Array;
    let offset = 0;
    const scores = candidates.map((_, k) => {
      const length = lengths[k]!;
      const score = {
        mean: means[k]!,
        tokens: Array.from(tokens.subarray(offset, offset + length)),
      };
      offset += length;
      return score;
    });
    const runMs = trace.rounds
      .flatMap((round) => round.steps)
      .reduce((sum, step) => sum + (step.runMs ?? step.ms), 0);
    return { scores, runMs };
  }
}

function checkTemperature(value: number): number {
  if (!(Number.isFinite(value) && value > 0))
    throw new RangeError(
      `quality estimator: temperature must be a finite number > 0, got ${value}`,
    );
  return value;
}
