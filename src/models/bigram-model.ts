import { deriveSeed, SeededRandom } from '../util/random.js';
import { graphFor } from './graph-for.js';
import type { BuiltModel, ModelDescription } from './model-description.js';
import {
  outOfRange,
  requireFinite,
  requireInteger,
  requireOptions,
  requireSeed,
} from './model-options.js';

export interface BigramModelOptions {
  /** Seeds the noise; two seeds give two imperfect models of the same language. */
  readonly seed: number;
  readonly vocab: number;
  /**
   * The language's next-token scores, vocab × vocab row-major: row `t` holds the log-probabilities
   * (or any logits) of the token after `t`. Row 0, the pad id, is the start-of-text distribution.
   */
  readonly logits: Float32Array;
  /** Spread of the Gaussian noise added to every entry; 0 (a perfect model) unless told. */
  readonly noise?: number;
  /** Tokens of context the input carries, as for the other next-token models; 8 unless told. */
  readonly context?: number;
}

/**
 * The table a bigram model looks its rows up in: `logits` plus seeded noise of the given strength.
 * Exposed so that a caller can know a model's exact output without running it.
 */
export function bigramTable(options: BigramModelOptions): Float32Array {
  options = requireOptions(options);
  const vocab = requireInteger('vocab', options.vocab, 1);
  const noise = requireFinite('noise', options.noise ?? 0, 0);
  if (!(options.logits instanceof Float32Array)) {
    outOfRange('logits', 'logits must be a Float32Array of vocab × vocab log-probabilities');
  }
  if (options.logits.length !== vocab * vocab) {
    outOfRange(
      'logits',
      `logits must hold vocab × vocab = ${vocab * vocab} values, got ${options.logits.length}`,
    );
  }
  const table = Float32Array.from(options.logits);
  if (noise > 0) {
    const random = new SeededRandom(deriveSeed(requireSeed(options.seed), 'bigram-noise'));
    for (let i = 0; i < table.length; i++) table[i] = table[i]! + random.normal(0, noise);
  }
  return table;
}

/**
 * A next-token model whose logits depend only on the last token: `tokens` int64 [batch, context]
 * → `logits` float32 [batch, vocab], row `tokens[:, context-1]` of {@link bigramTable}. Built for
 * a synthetic language whose true distribution is known, so fusion can be scored against it.
 */
export function bigramModel(options: BigramModelOptions): BuiltModel {
  options = requireOptions(options);
  const seed = requireSeed(options.seed);
  const context = requireInteger('context', options.context ?? 8, 1);
  const table = bigramTable(options);
  const description: ModelDescription = {
    kind: 'bigram',
    name: `bigram-s${seed}`,
    seed,
    inputs: [{ name: 'tokens', dtype: 'int64', dims: ['batch', context] }],
    outputs: [{ name: 'logits', dtype: 'float32', dims: ['batch', options.vocab] }],
    params: { seed, vocab: options.vocab, noise: options.noise ?? 0, context },
  };
  const graph = graphFor(description);
  graph
    .initializer('table', table, [options.vocab, options.vocab])
    // A scalar index makes Gather drop the axis: [batch, context] → [batch].
    .initializer('last_position', new BigInt64Array([BigInt(context - 1)]), [])
    .node('Gather', ['tokens', 'last_position'], ['last_token'], { axis: 1 })
    .node('Gather', ['table', 'last_token'], ['logits'], { axis: 0 });
  return { bytes: graph.toBytes(), description };
}
