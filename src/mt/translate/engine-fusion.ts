import { type LabelledSet, type LearnedFusion, learnFusionWeights } from '../../learn/index.js';
import type { RoundsPlan } from '../../plans/plan.js';
import type { Roundtable } from '../../runtime/roundtable.js';
import type { Tokenizer } from '../tokenizer/index.js';
import { buildPrompt, type PromptLayout, windowsFor } from './prompt.js';

export interface EngineFusionOptions {
  readonly engines: readonly string[];
  readonly tokenizer: Tokenizer;
  readonly layout: PromptLayout;
  readonly context: number;
  /** Parallel sentences the engines are measured on: a dev split, never the test data. */
  readonly pairs: readonly { readonly source: string; readonly target: string }[];
  /** Seed of the learner's validation split; default 1. */
  readonly seed?: number;
  /** Default 100. */
  readonly maxEpochs?: number;
  /** Dev tokens the weights are learned on at most (evenly spaced); default 800. */
  readonly maxExamples?: number;
}

export interface EngineFusion {
  /** Per engine, the share of dev target tokens it predicts right given the true prefix. */
  readonly accuracy: readonly number[];
  /** Per engine, the temperature that calibrates it alone (lowest dev NLL). */
  readonly temperatures: readonly number[];
  /** Log-linear fusion weights (sum 1) over the calibrated engines. */
  readonly weights: readonly number[];
  /** The learner's account of the weights (losses, epochs). */
  readonly learned: LearnedFusion;
  /** Dev target tokens (examples) the figures are over. */
  readonly tokens: number;
}

/**
 * Measures each engine on a dev split, calibrates it, and learns the engines' log-linear fusion
 * weights with the runtime's fusion learner (src/learn): every dev target token is one
 * example, the engines' next-token logits given the source and the true prefix (teacher forcing)
 * its inputs, the true token its label. The engines run through the runtime, as one round of K
 * steps on one batch.
 *
 * Two stages, because in log-linear fusion only weight/temperature ratios matter, so learning both
 * at once leaves them unidentified: first each engine's own temperature (its calibration, which
 * also sets how peaked its scores are when it decodes alone), then the weights over the calibrated
 * engines with temperatures held.
 */
export async function learnEngineFusion(
  runtime: Roundtable,
  options: EngineFusionOptions,
): Promise<EngineFusion> {
  const { engines, tokenizer, layout, context } = options;
  const encoded = options.pairs.map((pair) => ({
    prompt: buildPrompt(layout, tokenizer.encode(pair.source)),
    target: tokenizer.encode(pair.target),
  }));
  const rows = encoded.reduce((sum, pair) => sum + pair.target.length + 1, 0);
  const windows = new BigInt64Array(rows * context);
  const labels = new Int32Array(rows);
  let at = 0;
  for (const { prompt, target } of encoded) {
    windowsFor(prompt, target, context, layout.pad, windows, at);
    target.forEach((id, i) => {
      labels[at + i] = id;
    });
    labels[at + target.length] = layout.eos;
    at += target.length + 1;
  }
  const plan: RoundsPlan = {
    kind: 'rounds',
    name: 'engines on dev',
    inputs: ['windows'],
    outputs: engines.map((engine) => `${engine}.logits`),
    rounds: [
      {
        name: 'engines',
        steps: engines.map((actor) => ({
          actor,
          inputs: { tokens: 'windows' },
          outputs: { logits: `${actor}.logits` },
        })),
      },
    ],
  };
  const { outputs } = await runtime.run(plan, {
    windows: { dtype: 'int64', dims: [rows, context], data: windows },
  });
  const vocab = tokenizer.vocabSize;
  const all = engines.map((engine) => outputs[`${engine}.logits`]!.data as Float32Array);
  const accuracy = all.map((data) => {
    let right = 0;
    for (let r = 0; r < rows; r++) {
      let top = 0;
      for (let c = 1; c < vocab; c++) if (data[r * vocab + c]! > data[r * vocab + top]!) top = c;
      if (top === labels[r]) right++;
    }
    return right / rows;
  });
  const set = labelledSubset(all, labels, vocab, options.maxExamples ?? 800);
  const learn = (one: LabelledSet, learnTemperatures: boolean) =>
    learnFusionWeights(one, {
      strategy: 'log-linear',
      seed: options.seed ?? 1,
      maxEpochs: options.maxEpochs ?? 100,
      patience: 10,
      learnTemperatures,
    });
  const temperatures = all.map((_, m) => calibrate(set, m));
  const learned = learn(scaled(set, temperatures), false);
  return { accuracy, temperatures, weights: learned.weights, learned, tokens: rows };
}

/**
 * The temperature T that minimises model m's mean NLL of the labels, softmax(x/T): a convex
 * problem in 1/T, solved by golden-section search on log T over [0.005, 20].
 */
function calibrate(set: LabelledSet, m: number): number {
  const { classes, size, models } = set;
  const nll = (logT: number): number => {
    const inverse = Math.exp(-logT);
    let total = 0;
    for (let i = 0; i < size; i++) {
      const base = (i * models + m) * classes;
      let max = Number.NEGATIVE_INFINITY;
      for (let c = 0; c < classes; c++) max = Math.max(max, set.logits[base + c]!);
      let sum = 0;
      for (let c = 0; c < classes; c++) sum += Math.exp((set.logits[base + c]! - max) * inverse);
      total += Math.log(sum) - (set.logits[base + set.labels[i]!]! - max) * inverse;
    }
    return total / size;
  };
  const ratio = (Math.sqrt(5) - 1) / 2;
  let low = Math.log(0.005);
  let high = Math.log(20);
  let a = high - ratio * (high - low);
  let b = low + ratio * (high - low);
  let fa = nll(a);
  let fb = nll(b);
  for (let step = 0; step < 40; step++) {
    if (fa < fb) {
      high = b;
      b = a;
      fb = fa;
      a = high - ratio * (high - low);
      fa = nll(a);
    } else {
      low = a;
      a = b;
      fa = fb;
      b = low + ratio * (high - low);
      fb = nll(b);
    }
  }
  return Math.exp((low + high) / 2);
}

/** The set with model k's logits divided by its temperature. */
function scaled(set: LabelledSet, temperatures: readonly number[]): LabelledSet {
  const { classes, size, models } = set;
  const logits = new Float32Array(set.logits.length);
  for (let i = 0; i < size; i++) {
    for (let k = 0; k < models; k++) {
      const base = (i * models + k) * classes;
      for (let c = 0; c < classes; c++) logits[base + c] = set.logits[base + c]! / temperatures[k]!;
    }
  }
  return { ...set, logits };
}

/** Below this a logit rules its class out (the synthetic models write −10⁴ there). */
const RULED_OUT = -1000;

/**
 * The labelled set of at most `limit` evenly spaced rows, over the classes some engine leaves
 * possible somewhere: a class every engine always rules out has no bearing on the weights, and
 * dropping it makes each learning epoch proportionally cheaper.
 */
function labelledSubset(
  all: readonly Float32Array[],
  labels: Int32Array,
  vocab: number,
  limit: number,
): LabelledSet {
  const rows = labels.length;
  const step = Math.max(1, rows / limit);
  const chosen: number[] = [];
  for (let at = 0; Math.floor(at) < rows && chosen.length < limit; at += step)
    chosen.push(Math.floor(at));
  const open = new Uint8Array(vocab);
  for (const data of all)
    for (let i = 0; i < data.length; i++) if (data[i]! > RULED_OUT) open[i % vocab] = 1;
  for (const r of chosen) open[labels[r]!] = 1;
  const classes: number[] = [];
  const index = new Int32Array(vocab).fill(-1);
  open.forEach((isOpen, c) => {
    if (isOpen) {
      index[c] = classes.length;
      classes.push(c);
    }
  });
  const k = all.length;
  const width = classes.length;
  const logits = new Float32Array(chosen.length * k * width);
  chosen.forEach((r, i) => {
    all.forEach((data, m) => {
      const base = (i * k + m) * width;
      classes.forEach((c, j) => {
        logits[base + j] = data[r * vocab + c]!;
      });
    });
  });
  return {
    models: k,
    classes: width,
    size: chosen.length,
    logits,
    labels: Int32Array.from(chosen, (r) => index[labels[r]!]!),
  };
}
