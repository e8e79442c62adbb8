import { GraphBuilder } from '../../onnx/graph-builder.js';
import { deriveSeed, SeededRandom } from '../../util/random.js';
import { SYNTHETIC_SPECIALS, type SyntheticPair } from './synthetic-pair.js';
import {
  AGREEMENT_FEATURES,
  type TranslationTables,
  translationTables,
} from './translation-tables.js';

export interface TranslationModelOptions {
  readonly pair: SyntheticPair;
  /** Seeds the model's noise: two seeds, two independent imperfect models. */
  readonly seed: number;
  /** Spread σ of the model's own Gaussian noise on every output logit; 0 is the ground truth. */
  readonly noise: number;
  /**
   * Spread of the noise every model of the pair shares (the same table for every seed): the
   * mistakes models trained on the same data have in common, which no ensemble averages away.
   * Default 0.
   */
  readonly sharedNoise?: number;
  /** Logit of the true next token above the others before noise; default 1. */
  readonly margin?: number;
  /** Tokens of the window the model reads, [batch, context]; default {@link DEFAULT_CONTEXT}. */
  readonly context?: number;
  /** Rows of the noise table; default 1024. */
  readonly noiseRows?: number;
  /** Tables to reuse across models of one pair (they depend only on the pair). */
  readonly tables?: TranslationTables;
  /**
   * Extra compute standing for a larger network: a stack of `layers` dense tanh layers of `width`
   * over the window, whose sum is added to the logits times 0, so it costs real time on every run
   * and changes no logit. Default none.
   */
  readonly capacity?: { readonly width: number; readonly layers: number };
}

/** What a generated translation model is, to name and rebuild it. */
export interface TranslationModelDescription {
  readonly kind: 'synthetic-translation';
  readonly name: string;
  readonly pairSeed: number;
  readonly seed: number;
  readonly noise: number;
  readonly sharedNoise: number;
  readonly margin: number;
  readonly context: number;
  readonly noiseRows: number;
  readonly vocab: number;
}

export interface BuiltTranslationModel {
  readonly bytes: Uint8Array;
  readonly description: TranslationModelDescription;
}

/** Wide enough for a hint, a source of 24 words, and a translation of 26 tokens. */
export const DEFAULT_CONTEXT = 80;

/** Logit of the ids a translation never contains (source words, pad, controls). */
const RULED_OUT = -1e4;
/** Mixes the aligned source id and the previous token into a noise row. */
const HASH_MULTIPLIER = 7919n;

/**
 * A next-token translation model of the synthetic pair as an ONNX graph:
 * `tokens` int64 [batch, context] → `logits` float32 [batch, vocab].
 *
 * The window holds the prompt then the translation so far: `[<hint> …] <s> source… <sep>
 * target…`, left-padded. The graph finds the source (between the last `<s>` and `<sep>`) and the
 * number t of target tokens already written, then computes the transduction from the source
 * words alone, as a sort: every source position gets a key — its clause (a running count of
 * conjunctions) × 1000 plus its position, +1.5 for an adjective (after its noun), +2.75 and past
 * the noun for an adposition (after its noun phrase), +500 for a verb (end of its clause),
 * +10⁶ for the stop — and the source word with the (t+1)-th smallest key, translated under its
 * agreement feature (translation-tables.ts), is the true next token; past the last, `</s>`.
 *
 * The logits are `margin` on the true token, 0 on every other possible output and −10⁴ on ids a
 * translation never holds, plus the model's noise: a seeded Gaussian table of `noiseRows` rows of
 * σ = `noise`, one row per (aligned source word, previous token) hashed. The noise is fixed per
 * context, so a model makes the same mistake on the same context every time, and two models
 * (two seeds) make independent mistakes: what ensembles can average away.
 */
export function translationModel(options: TranslationModelOptions): BuiltTranslationModel {
  const { pair } = options;
  const seed = requireInteger('seed', options.seed, Number.MIN_SAFE_INTEGER);
  const noise = requireNonNegative('noise', options.noise);
  const sharedNoise = requireNonNegative('sharedNoise', options.sharedNoise ?? 0);
  const margin = requireNonNegative('margin', options.margin ?? 1);
  const context = requireInteger('context', options.context ?? DEFAULT_CONTEXT, 4);
  const noiseRows = requireInteger('noiseRows', options.noiseRows ?? 1024, 1);
  const capacity = options.capacity && {
    width: requireInteger('capacity.width', options.capacity.width, 1),
    layers: requireInteger('capacity.layers', options.capacity.layers, 1),
  };
  const tables = options.tables ?? translationTables(pair);
  const vocab = tables.vocab;
  const { tokenizer } = pair;
  const sep = tokenizer.idOf(SYNTHETIC_SPECIALS.sep)!;
  const description: TranslationModelDescription = {
    kind: 'synthetic-translation',
    name: `translation-p${pair.seed}-s${seed}-n${noise}`,
    pairSeed: pair.seed,
    seed,
    noise,
    sharedNoise,
    margin,
    context,
    noiseRows,
    vocab,
    ...(capacity ? { capacity } : {}),
  };
  const g = new GraphBuilder(description.name, {
    docString: `roundtable synthetic translation model, pair seed ${pair.seed}, seed ${seed}, noise ${noise}`,
  });
  g.input('tokens', 'int64', ['batch', context]).output('logits', 'float32', ['batch', vocab]);
  g.metadata('roundtable.kind', description.kind).metadata(
    'roundtable.params',
    JSON.stringify(description),
  );

  const scalarI = (name: string, value: number | bigint) =>
    g.initializer(name, new BigInt64Array([BigInt(value)]), []);
  const scalarF = (name: string, value: number) =>
    g.initializer(name, new Float32Array([value]), []);
  const vectorI = (name: string, values: readonly number[]) =>
    g.initializer(name, BigInt64Array.from(values.map(BigInt)), [values.length]);
  scalarI('sep_id', sep);
  scalarI('bos_id', tokenizer.special.bos);
  scalarI('eos_id', tokenizer.special.eos);
  scalarI('last_position', context - 1);
  scalarI('features', AGREEMENT_FEATURES);
  scalarF('half', 0.5);
  scalarF('two', 2);
  scalarF('clause_stride', 1000);
  scalarF('adjective_shift', 1.5);
  scalarF('adposition_shift', 2.75);
  scalarF('verb_shift', 500);
  scalarF('stop_shift', 1e6);
  scalarF('not_source', 1e7);
  scalarF('margin', margin);
  g.initializer(
    'positions',
    Float32Array.from({ length: context }, (_, i) => i),
    [context],
  );
  g.initializer(
    'vocab_ids',
    BigInt64Array.from({ length: vocab }, (_, i) => BigInt(i)),
    [vocab],
  );
  g.initializer(
    'output_mask',
    Float32Array.from(tables.output, (allowed) => (allowed ? 0 : RULED_OUT)),
    [vocab],
  );
  g.initializer('k_all', new BigInt64Array([BigInt(context)]), [1]);
  for (const [name, table] of [
    ['is_noun', tables.isNoun],
    ['plural', tables.plural],
    ['is_adjective', tables.isAdjective],
    ['is_verb', tables.isVerb],
    ['is_adposition', tables.isAdposition],
    ['is_conjunction', tables.isConjunction],
    ['is_stop', tables.isStop],
  ] as const) {
    g.initializer(`table_${name}`, table, [vocab]);
  }
  g.initializer('table_target', tables.target, [tables.target.length]);

  // Where the source is: after the last <s>, before the last <sep>; t = tokens after <sep>.
  g.node('Equal', ['tokens', 'sep_id'], ['is_sep'])
    .node('Cast', ['is_sep'], ['is_sep_f'], { to: 1 })
    .node('ArgMax', ['is_sep_f'], ['sep_at'], { axis: 1, keepdims: 1, select_last_index: 1 })
    .node('Equal', ['tokens', 'bos_id'], ['is_bos'])
    .node('Cast', ['is_bos'], ['is_bos_f'], { to: 1 })
    .node('ArgMax', ['is_bos_f'], ['bos_at'], { axis: 1, keepdims: 1, select_last_index: 1 })
    .node('Cast', ['sep_at'], ['sep_at_f'], { to: 1 })
    .node('Cast', ['bos_at'], ['bos_at_f'], { to: 1 })
    .node('Greater', ['positions', 'bos_at_f'], ['after_bos'])
    .node('Less', ['positions', 'sep_at_f'], ['before_sep'])
    .node('And', ['after_bos', 'before_sep'], ['is_source'])
    .node('Cast', ['is_source'], ['source_mask'], { to: 1 })
    .node('Sub', ['last_position', 'sep_at'], ['written']);

  // Neighbours of every position: the token before, one after and two after (pad beyond).
  vectorI('axis_1', [1]);
  vectorI('from_0', [0]);
  vectorI('from_1', [1]);
  vectorI('from_2', [2]);
  vectorI('to_last', [context - 1]);
  vectorI('to_end', [context]);
  vectorI('pad_before_1', [0, 1, 0, 0]);
  vectorI('pad_after_1', [0, 0, 0, 1]);
  vectorI('pad_after_2', [0, 0, 0, 2]);
  g.node('Slice', ['tokens', 'from_0', 'to_last', 'axis_1'], ['head'])
    .node('Pad', ['head', 'pad_before_1'], ['previous'])
    .node('Slice', ['tokens', 'from_1', 'to_end', 'axis_1'], ['tail_1'])
    .node('Pad', ['tail_1', 'pad_after_1'], ['next_1'])
    .node('Slice', ['tokens', 'from_2', 'to_end', 'axis_1'], ['tail_2'])
    .node('Pad', ['tail_2', 'pad_after_2'], ['next_2']);
  const feature = (table: string, of: string, out: string) =>
    g.node('Gather', [`table_${table}`, of], [out], { axis: 0 });
  feature('is_noun', 'next_1', 'noun_next_1');
  feature('plural', 'next_1', 'plural_next_1');
  feature('plural', 'next_2', 'plural_next_2');
  feature('plural', 'previous', 'plural_previous');
  feature('is_verb', 'tokens', 'verb_here');
  feature('is_verb', 'previous', 'verb_previous');
  feature('is_adjective', 'tokens', 'adjective_here');
  feature('is_adjective', 'next_2', 'adjective_next_2');
  feature('is_adposition', 'tokens', 'adposition_here');
  feature('is_conjunction', 'tokens', 'conjunction_here');
  feature('is_stop', 'tokens', 'stop_here');

  // Agreement feature f = number + 2·accusative, and the target word of every position.
  g.node('Sub', ['plural_next_1', 'plural_next_2'], ['d_next'])
    .node('Mul', ['noun_next_1', 'd_next'], ['d_next_noun'])
    .node('Add', ['plural_next_2', 'd_next_noun'], ['number_next'])
    .node('Sub', ['plural_previous', 'number_next'], ['d_subject'])
    .node('Mul', ['verb_here', 'd_subject'], ['d_subject_verb'])
    .node('Add', ['number_next', 'd_subject_verb'], ['number'])
    .node('Mul', ['verb_previous', 'two'], ['accusative'])
    .node('Add', ['number', 'accusative'], ['feature_f'])
    .node('Cast', ['feature_f'], ['feature'], { to: 7 })
    .node('Mul', ['tokens', 'features'], ['row_start'])
    .node('Add', ['row_start', 'feature'], ['target_index'])
    .node('Gather', ['table_target', 'target_index'], ['target_here'], { axis: 0 });

  // Sort keys of source positions; every other position sorts after them all.
  g.node('Mul', ['conjunction_here', 'source_mask'], ['conjunction_source'])
    .node('CumSum', ['conjunction_source', 'axis_scalar'], ['clause'])
    .node('Mul', ['clause', 'clause_stride'], ['clause_key'])
    .node('Add', ['clause_key', 'positions'], ['key_0'])
    .node('Mul', ['adjective_here', 'adjective_shift'], ['adjective_key'])
    .node('Add', ['adposition_shift', 'adjective_next_2'], ['adposition_gap'])
    .node('Mul', ['adposition_here', 'adposition_gap'], ['adposition_key'])
    .node('Mul', ['verb_here', 'verb_shift'], ['verb_key'])
    .node('Mul', ['stop_here', 'stop_shift'], ['stop_key'])
    .node(
      'Sum',
      ['key_0', 'adjective_key', 'adposition_key', 'verb_key', 'stop_key'],
      ['source_key'],
    )
    .node('Where', ['is_source', 'source_key', 'not_source'], ['key'])
    .node('TopK', ['key', 'k_all'], ['sorted_keys', 'order'], { axis: 1, largest: 0, sorted: 1 })
    .node('GatherElements', ['order', 'written'], ['aligned_at'], { axis: 1 })
    .node('GatherElements', ['target_here', 'aligned_at'], ['aligned_target'], { axis: 1 })
    .node('GatherElements', ['source_mask', 'aligned_at'], ['aligned_is_source_f'], { axis: 1 })
    .node('Greater', ['aligned_is_source_f', 'half'], ['aligned_is_source'])
    .node('Where', ['aligned_is_source', 'aligned_target', 'eos_id'], ['true_next'])
    .node('Equal', ['vocab_ids', 'true_next'], ['is_true'])
    .node('Cast', ['is_true'], ['is_true_f'], { to: 1 })
    .node('Mul', ['is_true_f', 'margin'], ['truth'])
    .node(
      'Add',
      ['truth', 'output_mask'],
      noise > 0 || sharedNoise > 0 || capacity ? ['clean_logits'] : ['logits'],
    );
  g.initializer('axis_scalar', new BigInt64Array([1n]), []);

  if (noise > 0 || sharedNoise > 0) {
    const own = new SeededRandom(deriveSeed(seed, `translation-noise:${pair.seed}`));
    const table = own.fillNormal(new Float32Array(noiseRows * vocab), noise);
    if (sharedNoise > 0) {
      const shared = new SeededRandom(
        deriveSeed(pair.seed, `translation-shared-noise:${noiseRows}`),
      );
      for (let i = 0; i < table.length; i++) table[i] = table[i]! + shared.normal(0, sharedNoise);
    }
    g.initializer('noise', table, [noiseRows, vocab]);
    scalarI('hash_multiplier', HASH_MULTIPLIER);
    scalarI('noise_rows', noiseRows);
    vectorI('flat', [-1]);
    g.node('GatherElements', ['tokens', 'aligned_at'], ['aligned_source'], { axis: 1 })
      .node('Slice', ['tokens', 'to_last', 'to_end', 'axis_1'], ['last_token'])
      .node('Mul', ['aligned_source', 'hash_multiplier'], ['hash_0'])
      .node('Add', ['hash_0', 'last_token'], ['hash_1'])
      .node('Mod', ['hash_1', 'noise_rows'], ['noise_row_2d'])
      .node('Reshape', ['noise_row_2d', 'flat'], ['noise_row'])
      .node('Gather', ['noise', 'noise_row'], ['noise_here'], { axis: 0 })
      .node('Add', ['clean_logits', 'noise_here'], capacity ? ['noisy_logits'] : ['logits']);
  }
  if (capacity) addCapacity(g, capacity, context, seed, noise > 0 || sharedNoise > 0);
  return { bytes: g.toBytes(), description };
}

/**
 * The dense stack of {@link TranslationModelOptions.capacity}, read from the window and added to
 * the logits times 0: ONNX Runtime computes it on every run (it folds constants, not a product
 * with an input-dependent tensor), so the model costs what a larger one would and says the same.
 */
function addCapacity(
  g: GraphBuilder,
  capacity: { readonly width: number; readonly layers: number },
  context: number,
  seed: number,
  noisy: boolean,
): void {
  const random = new SeededRandom(deriveSeed(seed, 'translation-capacity'));
  g.initializer('capacity_zero', new Float32Array([0]), []);
  g.initializer('capacity_axes', new BigInt64Array([1n]), [1]);
  g.node('Cast', ['tokens'], ['capacity_0'], { to: 1 });
  let rows = context;
  for (let layer = 0; layer < capacity.layers; layer++) {
    const weights = random.fillNormal(
      new Float32Array(rows * capacity.width),
      1 / Math.sqrt(rows * 1000),
    );
    g.initializer(`capacity_w${layer}`, weights, [rows, capacity.width]);
    g.node('MatMul', [`capacity_${layer}`, `capacity_w${layer}`], [`capacity_m${layer}`]).node(
      'Tanh',
      [`capacity_m${layer}`],
      [`capacity_${layer + 1}`],
    );
    rows = capacity.width;
  }
  g.node('ReduceSum', [`capacity_${capacity.layers}`, 'capacity_axes'], ['capacity_sum'], {
    keepdims: 1,
  })
    .node('Mul', ['capacity_sum', 'capacity_zero'], ['capacity_nothing'])
    .node('Add', [noisy ? 'noisy_logits' : 'clean_logits', 'capacity_nothing'], ['logits']);
}

function requireInteger(option: string, value: number, min: number): number {
  if (typeof value !== 'number')
    throw new TypeError(`translation model: ${option} must be a number, got ${typeof value}`);
  if (!Number.isSafeInteger(value) || value < min)
    throw new RangeError(`translation model: ${option} must be an integer >= ${min}, got ${value}`);
  return value;
}

function requireNonNegative(option: string, value: number): number {
  if (typeof value !== 'number')
    throw new TypeError(`translation model: ${option} must be a number, got ${typeof value}`);
  if (!Number.isFinite(value) || value < 0)
    throw new RangeError(`translation model: ${option} must be a finite number >= 0, got ${value}`);
  return value;
}
