import { deriveSeed, SeededRandom } from '../util/random.js';
import { addDenseLayer, randomDenseLayer } from './dense-layer.js';
import { graphFor } from './graph-for.js';
import type { BuiltModel, ModelDescription } from './model-description.js';
import { requireInteger, requireOptions, requireSeed } from './model-options.js';

/** The token id that left-pads a context shorter than the model's window. */
export const PAD_TOKEN = 0;

export interface NextTokenModelOptions {
  readonly seed: number;
  /** Vocabulary size, pad id 0 included; 4000 unless told. */
  readonly vocab?: number;
  /** Embedding width; 64 unless told. */
  readonly embed?: number;
  /** Width of the hidden layer; 128 unless told. */
  readonly hidden?: number;
  /** Tokens of context the model sees; 8 unless told. */
  readonly context?: number;
}

export type NextTokenModelParams = Required<NextTokenModelOptions>;

export function nextTokenModelParams(options: NextTokenModelOptions): NextTokenModelParams {
  options = requireOptions(options);
  return {
    seed: requireSeed(options.seed),
    vocab: requireInteger('vocab', options.vocab ?? 4000, 2),
    embed: requireInteger('embed', options.embed ?? 64, 1),
    hidden: requireInteger('hidden', options.hidden ?? 128, 1),
    context: requireInteger('context', options.context ?? 8, 1),
  };
}

/**
 * A small neural language model: `tokens` int64 [batch, context] (the last `context` token ids,
 * left-padded with {@link PAD_TOKEN}) → `logits` float32 [batch, vocab] for the next token.
 *
 * Embeddings (the pad row is zero, so padding adds nothing) are concatenated in order, not
 * averaged, so the model sees where each token stands; then one Tanh hidden layer and a readout.
 */
export function nextTokenModel(options: NextTokenModelOptions): BuiltModel {
  options = requireOptions(options);
  const p = nextTokenModelParams(options);
  const description: ModelDescription = {
    kind: 'next-token',
    name: `next-token-s${p.seed}`,
    seed: p.seed,
    inputs: [{ name: 'tokens', dtype: 'int64', dims: ['batch', p.context] }],
    outputs: [{ name: 'logits', dtype: 'float32', dims: ['batch', p.vocab] }],
    params: p,
  };
  const random = new SeededRandom(deriveSeed(p.seed, 'next-token'));
  const embedding = random.fillNormal(new Float32Array(p.vocab * p.embed));
  embedding.fill(0, PAD_TOKEN * p.embed, (PAD_TOKEN + 1) * p.embed);
  const hidden = randomDenseLayer(random, p.context * p.embed, p.hidden);
  // A gain of 3 spreads the logits enough that the next-token distribution has a clear head.
  const readout = randomDenseLayer(random, p.hidden, p.vocab, 3);

  const graph = graphFor(description);
  graph
    .initializer('embedding', embedding, [p.vocab, p.embed])
    .node('Gather', ['embedding', 'tokens'], ['embedded'], { axis: 0 })
    .node('Flatten', ['embedded'], ['window'], { axis: 1 });
  addDenseLayer(graph, 'hidden', hidden, 'window', 'hidden.linear');
  graph.node('Tanh', ['hidden.linear'], ['hidden.out']);
  addDenseLayer(graph, 'readout', readout, 'hidden.out', 'logits');
  return { bytes: graph.toBytes(), description };
}
