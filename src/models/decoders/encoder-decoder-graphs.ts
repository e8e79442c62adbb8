import { attr, type Dim, GraphBuilder } from '../../onnx/graph-builder.js';
import { deriveSeed, SeededRandom } from '../../util/random.js';
import { endBias } from './decoder-graphs.js';
import type { TransformerParams } from './decoder-options.js';
import { GraphOps } from './graph-ops.js';
import {
  causalMask,
  crossAttention,
  dimOf,
  type KeyValue,
  layerNorm,
  linear,
  mlp,
  paddingMask,
  positionRange,
  projectKeyValue,
  selfAttention,
} from './transformer-ops.js';
import { type BlockWeights, type Linear, type Norm, WeightMaker } from './transformer-weights.js';

/** Which of Optimum's encoder–decoder files to build. */
export type EncoderDecoderGraphKind = 'encoder' | 'decoder' | 'with-past' | 'merged';

export const encoderDecoderFileNames: Record<EncoderDecoderGraphKind, string> = {
  encoder: 'encoder_model.onnx',
  decoder: 'decoder_model.onnx',
  'with-past': 'decoder_with_past_model.onnx',
  merged: 'decoder_model_merged.onnx',
};

type Side = 'decoder' | 'encoder';
type Part = 'key' | 'value';
export const seq2seqPastName = (layer: number, side: Side, part: Part): string =>
  `past_key_values.${layer}.${side}.${part}`;
export const seq2seqPresentName = (layer: number, side: Side, part: Part): string =>
  `present.${layer}.${side}.${part}`;

interface EncoderWeights {
  readonly tokens: string;
  readonly positions: string;
  readonly blocks: readonly BlockWeights[];
  readonly finalNorm: Norm;
}

interface DecoderWeights {
  readonly positions: string;
  readonly blocks: readonly BlockWeights[];
  readonly finalNorm: Norm;
  readonly head: Linear;
}

/**
 * One file of an encoder–decoder translation model as Optimum exports Marian (opus-mt): the
 * encoder (`input_ids`, `attention_mask` → `last_hidden_state`), the decoder's first step
 * (`encoder_attention_mask`, `input_ids`, `encoder_hidden_states` → `logits`,
 * `present.{i}.decoder|encoder.key|value`) and its later steps (`encoder_attention_mask`,
 * `input_ids`, `past_key_values.{i}.decoder|encoder.key|value` → `logits`,
 * `present.{i}.decoder.key|value`). The encoder and decoder share one token embedding; the
 * cross-attention keys and values are computed once, at the first step, from the encoder output.
 */
export function encoderDecoderGraph(
  params: TransformerParams,
  kind: EncoderDecoderGraphKind,
): Uint8Array {
  const graph = new GraphBuilder(`optimum-seq2seq-${kind}-s${params.seed}`, {
    docString: `roundtable generated encoder-decoder (${kind}), seed ${params.seed}`,
  });
  const make = new WeightMaker(
    kind === 'encoder' ? graph : undefined,
    new SeededRandom(deriveSeed(params.seed, 'optimum-seq2seq')),
  );
  // The token table is shared, so the decoder files declare it too.
  make.declareIn(graph);
  const tokens = make.table('shared', params.vocab, params.width, 1);
  make.declareIn(kind === 'encoder' ? graph : undefined);
  const encoder: EncoderWeights = {
    tokens,
    positions: make.table('encoder.embed_positions', params.maxPositions, params.width, 0.3),
    blocks: Array.from({ length: params.layers }, (_, i) =>
      make.block(`encoder.layers.${i}`, params.width, params.ffn, false),
    ),
    finalNorm: make.norm('encoder.layer_norm', params.width),
  };
  if (kind === 'encoder') {
    addEncoder(graph, params, encoder);
    return graph.toBytes();
  }
  make.declareIn(graph);
  const decoder: DecoderWeights = {
    positions: make.table('decoder.embed_positions', params.maxPositions, params.width, 0.3),
    blocks: Array.from({ length: params.layers }, (_, i) =>
      make.block(
        `decoder.layers.${i}`,
        params.width,
        params.ffn,
        kind === 'with-past' ? 'cached' : true,
      ),
    ),
    finalNorm: make.norm('decoder.layer_norm', params.width),
    head: make.linear('lm_head', params.width, params.vocab, 3, endBias(params)),
  };
  addDecoder(graph, params, tokens, decoder, kind);
  return graph.toBytes();
}

function addEncoder(graph: GraphBuilder, params: TransformerParams, weights: EncoderWeights): void {
  const dims: Dim[] = ['batch_size', 'encoder_sequence_length'];
  graph
    .input('input_ids', 'int64', dims)
    .input('attention_mask', 'int64', dims)
    .output('last_hidden_state', 'float32', [...dims, params.width]);
  const ops = new GraphOps(graph, '');
  const length = dimOf(ops, 'input_ids', 1);
  const positions = positionRange(ops, ops.int64([0]), length);
  let x = ops.add('Add', [
    ops.add('Gather', [weights.tokens, 'input_ids'], { axis: 0 }),
    ops.add('Gather', [weights.positions, positions], { axis: 0 }),
  ]);
  const allowed = paddingMask(ops, 'attention_mask');
  weights.blocks.forEach((block, i) => {
    const keys = { key: `encoder.${i}.key`, value: `encoder.${i}.value` };
    x = mlp(ops, selfAttention(ops, x, block, params, allowed, undefined, keys), block);
  });
  layerNorm(ops, x, weights.finalNorm, 'last_hidden_state');
}

/** Declares the decoder file's inputs and outputs, in Optimum's order. */
function declareDecoder(
  graph: GraphBuilder,
  params: TransformerParams,
  kind: Exclude<EncoderDecoderGraphKind, 'encoder'>,
): void {
  const { heads, headDim, layers } = params;
  const past = 'past_decoder_sequence_length';
  const cacheDims = (length: string): Dim[] => ['batch_size', heads, length, headDim];
  const withPastInputs = kind !== 'decoder';
  graph
    .input('encoder_attention_mask', 'int64', ['batch_size', 'encoder_sequence_length'])
    .input('input_ids', 'int64', ['batch_size', 'decoder_sequence_length']);
  if (kind !== 'with-past') {
    graph.input('encoder_hidden_states', 'float32', [
      'batch_size',
      'encoder_sequence_length',
      params.width,
    ]);
  }
  if (withPastInputs) {
    for (let i = 0; i < layers; i++) {
      for (const side of ['decoder', 'encoder'] as const) {
        for (const part of ['key', 'value'] as const) {
          const length = side === 'decoder' ? past : 'encoder_sequence_length_out';
          graph.input(seq2seqPastName(i, side, part), 'float32', cacheDims(length));
        }
      }
    }
  }
  if (kind === 'merged') graph.input('use_cache_branch', 'bool', [1]);
  graph.output('logits', 'float32', ['batch_size', 'decoder_sequence_length', params.vocab]);
  for (let i = 0; i < layers; i++) {
    for (const part of ['key', 'value'] as const) {
      const length = withPastInputs ? `${past} + 1` : 'decoder_sequence_length';
      graph.output(seq2seqPresentName(i, 'decoder', part), 'float32', cacheDims(length));
    }
    if (kind !== 'with-past') {
      for (const part of ['key', 'value'] as const) {
        graph.output(
          seq2seqPresentName(i, 'encoder', part),
          'float32',
          cacheDims('encoder_sequence_length_out'),
        );
      }
    }
  }
}

/** The names a decoder body writes: `logits` and `present.*`, each after `prefix`. */
function decoderOutputs(params: TransformerParams, encoderPresent: boolean): string[] {
  const names = ['logits'];
  for (let i = 0; i < params.layers; i++) {
    const sides = encoderPresent ? (['decoder', 'encoder'] as const) : (['decoder'] as const);
    for (const side of sides) {
      for (const part of ['key', 'value'] as const) names.push(seq2seqPresentName(i, side, part));
    }
  }
  return names;
}

/**
 * The decoder's body. With the past it reads both caches; without, it projects the encoder
 * output into the cross-attention cache. `encoderPresent` makes the cached body hand the
 * cross-attention cache on unchanged, as the merged file's two branches must give the same outputs.
 */
function addDecoderBody(
  ops: GraphOps,
  params: TransformerParams,
  tokens: string,
  weights: DecoderWeights,
  withPast: boolean,
  encoderPresent: boolean,
  prefix: string,
): void {
  const length = dimOf(ops, 'input_ids', 1);
  const start = withPast ? dimOf(ops, seq2seqPastName(0, 'decoder', 'key'), 2) : ops.int64([0]);
  const total = withPast ? ops.add('Add', [start, length]) : length;
  let x = ops.add('Add', [
    ops.add('Gather', [tokens, 'input_ids'], { axis: 0 }),
    ops.add('Gather', [weights.positions, positionRange(ops, start, length)], { axis: 0 }),
  ]);
  const causal = causalMask(ops, length, total);
  const sourceAllowed = paddingMask(ops, 'encoder_attention_mask');
  weights.blocks.forEach((block, i) => {
    const past = (side: Side): KeyValue => ({
      key: seq2seqPastName(i, side, 'key'),
      value: seq2seqPastName(i, side, 'value'),
    });
    const present = (side: Side): KeyValue => ({
      key: `${prefix}${seq2seqPresentName(i, side, 'key')}`,
      value: `${prefix}${seq2seqPresentName(i, side, 'value')}`,
    });
    const selfPast = withPast ? past('decoder') : undefined;
    x = selfAttention(ops, x, block, params, causal, selfPast, present('decoder'));
    let encoderCache: KeyValue;
    if (withPast) {
      encoderCache = past('encoder');
      if (encoderPresent) {
        ops.add('Identity', [encoderCache.key], {}, present('encoder').key);
        ops.add('Identity', [encoderCache.value], {}, present('encoder').value);
      }
    } else {
      const cross = crossWeights(block);
      encoderCache = projectKeyValue(
        ops,
        'encoder_hidden_states',
        cross,
        params,
        present('encoder'),
      );
    }
    x = mlp(ops, crossAttention(ops, x, block, params, sourceAllowed, encoderCache), block);
  });
  linear(ops, layerNorm(ops, x, weights.finalNorm), weights.head, `${prefix}logits`);
}

function addDecoder(
  graph: GraphBuilder,
  params: TransformerParams,
  tokens: string,
  weights: DecoderWeights,
  kind: Exclude<EncoderDecoderGraphKind, 'encoder'>,
): void {
  declareDecoder(graph, params, kind);
  if (kind !== 'merged') {
    const ops = new GraphOps(graph, '');
    addDecoderBody(ops, params, tokens, weights, kind === 'with-past', false, '');
    return;
  }
  const outputs = decoderOutputs(params, true);
  const branch = (withPast: boolean): ReturnType<GraphBuilder['toGraph']> => {
    const prefix = withPast ? 'with_past/' : 'no_past/';
    const sub = new GraphBuilder(withPast ? 'with_past_branch' : 'no_past_branch');
    addDecoderBody(new GraphOps(sub, prefix), params, tokens, weights, withPast, true, prefix);
    sub.output(`${prefix}logits`, 'float32', [
      'batch_size',
      'decoder_sequence_length',
      params.vocab,
    ]);
    for (const name of outputs.slice(1)) {
      sub.output(`${prefix}${name}`, 'float32', [
        'batch_size',
        params.heads,
        'length',
        params.headDim,
      ]);
    }
    return sub.toGraph();
  };
  graph.node('If', ['use_cache_branch'], outputs, {
    then_branch: attr.graph(branch(true)),
    else_branch: attr.graph(branch(false)),
  });
}

function crossWeights(block: BlockWeights): NonNullable<BlockWeights['cross']> {
  if (block.cross === undefined) throw new Error('a decoder block needs cross-attention weights');
  return block.cross;
}
