import { attr, GraphBuilder } from '../../onnx/graph-builder.js';
import { deriveSeed, SeededRandom } from '../../util/random.js';
import { SPECIAL_TOKENS, type TransformerParams } from './decoder-options.js';
import { GraphOps } from './graph-ops.js';
import {
  causalMask,
  dimOf,
  type KeyValue,
  layerNorm,
  linear,
  mlp,
  paddingMask,
  selfAttention,
} from './transformer-ops.js';
import { type BlockWeights, type Linear, type Norm, WeightMaker } from './transformer-weights.js';

/** Which of Optimum's three decoder files to build. */
export type DecoderGraphKind = 'decoder' | 'with-past' | 'merged';

export const decoderFileNames: Record<DecoderGraphKind, string> = {
  decoder: 'decoder_model.onnx',
  'with-past': 'decoder_with_past_model.onnx',
  merged: 'decoder_model_merged.onnx',
};

interface DecoderWeights {
  readonly tokens: string;
  readonly positions: string;
  readonly blocks: readonly BlockWeights[];
  readonly finalNorm: Norm;
  readonly head: Linear;
}

/**
 * A change to a decoder's logits before they are output (the target of a generated draft/target
 * pair, see draft-target-pair.ts). Its weights are declared once, in the outermost graph, so both
 * branches of a merged model's `If` share them; `apply` runs in each body.
 */
export interface LogitsHead {
  declare(graph: GraphBuilder): void;
  /** Writes `output` from the plain decoder's `logits` and its token+position embedding. */
  apply(
    ops: GraphOps,
    values: { readonly logits: string; readonly embedded: string },
    output: string,
  ): void;
}

export const pastName = (layer: number, part: 'key' | 'value'): string =>
  `past_key_values.${layer}.${part}`;
export const presentName = (layer: number, part: 'key' | 'value'): string =>
  `present.${layer}.${part}`;

/**
 * A decoder-only language model as Optimum exports one (gpt2/llama-like): `input_ids`,
 * `attention_mask` [batch, past+seq], `position_ids`, and for the cached forms
 * `past_key_values.{i}.key|value` → `logits` [batch, seq, vocab], `present.{i}.key|value`.
 * The merged form adds a bool [1] `use_cache_branch` that picks, through an `If`, the cached
 * computation or the one that ignores the past. The same seed gives the same weights in all three.
 */
export function decoderGraph(
  params: TransformerParams,
  kind: DecoderGraphKind,
  head?: LogitsHead,
): Uint8Array {
  const graph = new GraphBuilder(`optimum-decoder-s${params.seed}`, {
    docString: `roundtable generated decoder (${kind}), seed ${params.seed}`,
  });
  const { heads, headDim, vocab } = params;
  graph
    .input('input_ids', 'int64', ['batch_size', 'sequence_length'])
    .input('attention_mask', 'int64', ['batch_size', 'past_sequence_length + sequence_length'])
    .input('position_ids', 'int64', ['batch_size', 'sequence_length']);
  if (kind !== 'decoder') {
    for (let i = 0; i < params.layers; i++) {
      for (const part of ['key', 'value'] as const) {
        graph.input(pastName(i, part), 'float32', [
          'batch_size',
          heads,
          'past_sequence_length',
          headDim,
        ]);
      }
    }
  }
  if (kind === 'merged') graph.input('use_cache_branch', 'bool', [1]);
  graph.output('logits', 'float32', ['batch_size', 'sequence_length', vocab]);
  for (let i = 0; i < params.layers; i++) {
    for (const part of ['key', 'value'] as const) {
      graph.output(presentName(i, part), 'float32', [
        'batch_size',
        heads,
        'past_sequence_length + sequence_length',
        headDim,
      ]);
    }
  }
  const weights = makeWeights(graph, params);
  head?.declare(graph);
  if (kind !== 'merged') {
    addDecoder(new GraphOps(graph, ''), params, weights, kind === 'with-past', '', head);
    return graph.toBytes();
  }
  const outputs = ['logits'];
  for (let i = 0; i < params.layers; i++)
    outputs.push(presentName(i, 'key'), presentName(i, 'value'));
  const branch = (withPast: boolean): ReturnType<GraphBuilder['toGraph']> => {
    const prefix = withPast ? 'with_past/' : 'no_past/';
    const sub = new GraphBuilder(withPast ? 'with_past_branch' : 'no_past_branch');
    addDecoder(new GraphOps(sub, prefix), params, weights, withPast, prefix, head);
    sub.output(`${prefix}logits`, 'float32', ['batch_size', 'sequence_length', vocab]);
    for (const name of outputs.slice(1)) {
      sub.output(`${prefix}${name}`, 'float32', ['batch_size', heads, 'total_length', headDim]);
    }
    return sub.toGraph();
  };
  graph.node('If', ['use_cache_branch'], outputs, {
    then_branch: attr.graph(branch(true)),
    else_branch: attr.graph(branch(false)),
  });
  return graph.toBytes();
}

function makeWeights(graph: GraphBuilder, params: TransformerParams): DecoderWeights {
  const make = new WeightMaker(graph, new SeededRandom(deriveSeed(params.seed, 'optimum-decoder')));
  const blocks: BlockWeights[] = [];
  const tokens = make.table('embed_tokens', params.vocab, params.width, 1);
  const positions = make.table('embed_positions', params.maxPositions, params.width, 0.3);
  for (let i = 0; i < params.layers; i++) {
    blocks.push(make.block(`layers.${i}`, params.width, params.ffn, false));
  }
  // A gain of 3 spreads the logits so that the next-token distribution has a clear head.
  const finalNorm = make.norm('final_layer_norm', params.width);
  const head = make.linear('lm_head', params.width, params.vocab, 3, endBias(params));
  return { tokens, positions, blocks, finalNorm, head };
}

/** The lm_head's bias shift: `eosBias` on the end token, nothing elsewhere. */
export function endBias(params: TransformerParams): Float32Array {
  const shift = new Float32Array(params.vocab);
  shift[SPECIAL_TOKENS.eos] = params.eosBias;
  return shift;
}

/** The decoder's body; every value it produces is `prefix` + its name (`logits`, `present.*`). */
function addDecoder(
  ops: GraphOps,
  params: TransformerParams,
  weights: DecoderWeights,
  withPast: boolean,
  prefix: string,
  head: LogitsHead | undefined,
): void {
  const x0 = ops.add('Add', [
    ops.add('Gather', [weights.tokens, 'input_ids'], { axis: 0 }),
    ops.add('Gather', [weights.positions, 'position_ids'], { axis: 0 }),
  ]);
  const causal = causalMask(ops, dimOf(ops, 'input_ids', 1), dimOf(ops, 'attention_mask', 1));
  const allowed = ops.add('And', [causal, paddingMask(ops, 'attention_mask')]);
  let x = x0;
  weights.blocks.forEach((block, i) => {
    const past: KeyValue | undefined = withPast
      ? { key: pastName(i, 'key'), value: pastName(i, 'value') }
      : undefined;
    const present = {
      key: `${prefix}${presentName(i, 'key')}`,
      value: `${prefix}${presentName(i, 'value')}`,
    };
    x = mlp(ops, selfAttention(ops, x, block, params, allowed, past, present), block);
  });
  const output = `${prefix}logits`;
  const logits = linear(
    ops,
    layerNorm(ops, x, weights.finalNorm),
    weights.head,
    head ? undefined : output,
  );
  head?.apply(ops, { logits, embedded: x0 }, output);
}
