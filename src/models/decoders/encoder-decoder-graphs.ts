import { type Dim, GraphBuilder } from '../../onnx/graph-builder.js';
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
export type EncoderDecoderGraphKind = 'encoder' | 'decoder' | 'with-past';

export const encoderDecoderFileNames: Record<EncoderDecoderGraphKind, string> = {
  encoder: 'encoder_model.onnx',
  decoder: 'decoder_model.onnx',
  'with-past': 'decoder_with_past_model.onnx',
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
  addDecoder(graph, params, tokens, decoder, kind === 'with-past');
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

function addDecoder(
  graph: GraphBuilder,
  params: TransformerParams,
  tokens: string,
  weights: DecoderWeights,
  withPast: boolean,
): void {
  const { heads, headDim, layers } = params;
  const past = 'past_decoder_sequence_length';
  const cacheDims = (length: string): Dim[] => ['batch_size', heads, length, headDim];
  graph
    .input('encoder_attention_mask', 'int64', ['batch_size', 'encoder_sequence_length'])
    .input('input_ids', 'int64', ['batch_size', 'decoder_sequence_length']);
  if (withPast) {
    for (let i = 0; i < layers; i++) {
      for (const part of ['key', 'value'] as const) {
        graph.input(seq2seqPastName(i, 'decoder', part), 'float32', cacheDims(past));
      }
      for (const part of ['key', 'value'] as const) {
        graph.input(
          seq2seqPastName(i, 'encoder', part),
          'float32',
          cacheDims('encoder_sequence_length_out'),
        );
      }
    }
  } else {
    graph.input('encoder_hidden_states', 'float32', [
      'batch_size',
      'encoder_sequence_length',
      params.width,
    ]);
  }
  graph.output('logits', 'float32', ['batch_size', 'decoder_sequence_length', params.vocab]);
  for (let i = 0; i < layers; i++) {
    for (const part of ['key', 'value'] as const) {
      graph.output(
        seq2seqPresentName(i, 'decoder', part),
        'float32',
        cacheDims(withPast ? `${past} + 1` : 'decoder_sequence_length'),
      );
    }
    if (!withPast) {
      for (const part of ['key', 'value'] as const) {
        graph.output(
          seq2seqPresentName(i, 'encoder', part),
          'float32',
          cacheDims('encoder_sequence_length_out'),
        );
      }
    }
  }

  const ops = new GraphOps(graph, '');
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
    const name = (side: Side, part: Part) =>
      (withPast ? seq2seqPastName : seq2seqPresentName)(i, side, part);
    const selfPast: KeyValue | undefined = withPast
      ? { key: name('decoder', 'key'), value: name('decoder', 'value') }
      : undefined;
    const selfPresent = {
      key: seq2seqPresentName(i, 'decoder', 'key'),
      value: seq2seqPresentName(i, 'decoder', 'value'),
    };
    x = selfAttention(ops, x, block, params, causal, selfPast, selfPresent);
    const encoderCache: KeyValue = withPast
      ? { key: name('encoder', 'key'), value: name('encoder', 'value') }
      : projectKeyValue(ops, 'encoder_hidden_states', crossWeights(block), params, {
          key: seq2seqPresentName(i, 'encoder', 'key'),
          value: seq2seqPresentName(i, 'encoder', 'value'),
        });
    x = mlp(ops, crossAttention(ops, x, block, params, sourceAllowed, encoderCache), block);
  });
  linear(ops, layerNorm(ops, x, weights.finalNorm), weights.head, 'logits');
}

function crossWeights(block: BlockWeights): NonNullable<BlockWeights['cross']> {
  if (block.cross === undefined) throw new Error('a decoder block needs cross-attention weights');
  return block.cross;
}
