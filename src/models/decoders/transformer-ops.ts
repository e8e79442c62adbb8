import type { GraphOps } from './graph-ops.js';
import type { AttentionWeights, BlockWeights, Linear, Norm } from './transformer-weights.js';

/** How attention splits the model width: `width = heads × headDim`. */
export interface HeadShape {
  readonly heads: number;
  readonly headDim: number;
}

/** A key and a value tensor of one attention layer, [batch, heads, length, headDim]. */
export interface KeyValue {
  readonly key: string;
  readonly value: string;
}

/** The value a masked score takes: far below any real score, yet finite, so no row turns NaN. */
const MASKED_SCORE = -1e9;

export function linear(ops: GraphOps, x: string, weights: Linear, output?: string): string {
  return ops.add('Add', [ops.add('MatMul', [x, weights.weight]), weights.bias], {}, output);
}

export function layerNorm(ops: GraphOps, x: string, norm: Norm, output?: string): string {
  const attributes = { axis: -1, epsilon: 1e-5 };
  return ops.add('LayerNormalization', [x, norm.scale, norm.bias], attributes, output);
}

/** [batch, seq, width] → [batch, heads, seq, headDim]. */
export function splitHeads(ops: GraphOps, x: string, shape: HeadShape, output?: string): string {
  const split = ops.add('Reshape', [x, ops.int64([0, 0, shape.heads, shape.headDim])]);
  return ops.add('Transpose', [split], { perm: [0, 2, 1, 3] }, output);
}

/** [batch, heads, seq, headDim] → [batch, seq, width]. */
export function mergeHeads(ops: GraphOps, x: string, shape: HeadShape): string {
  const merged = ops.add('Transpose', [x], { perm: [0, 2, 1, 3] });
  return ops.add('Reshape', [merged, ops.int64([0, 0, shape.heads * shape.headDim])]);
}

/** Dimension `axis` of `x` as a one-element int64 tensor. */
export function dimOf(ops: GraphOps, x: string, axis: number): string {
  return ops.add('Shape', [x], { start: axis, end: axis + 1 });
}

export function scalar(ops: GraphOps, oneElement: string): string {
  return ops.add('Squeeze', [oneElement, ops.int64([0])]);
}

/** The positions `start … start+length-1` as int64 [length]. */
export function positionRange(ops: GraphOps, start: string, length: string): string {
  const end = ops.add('Add', [start, length]);
  return ops.add('Range', [scalar(ops, start), scalar(ops, end), ops.int64([1], [])]);
}

/**
 * bool [queries, keys]: query i (at absolute position `total - queries + i`, the new tokens
 * being the last ones of the window) may see key j when j is not after it.
 */
export function causalMask(ops: GraphOps, queries: string, total: string): string {
  const first = ops.add('Sub', [total, queries]);
  const queryPositions = positionRange(ops, first, queries);
  const keyPositions = positionRange(ops, ops.int64([0]), total);
  return ops.add('LessOrEqual', [
    ops.add('Unsqueeze', [keyPositions, ops.int64([0])]),
    ops.add('Unsqueeze', [queryPositions, ops.int64([1])]),
  ]);
}

/** An int64 [batch, keys] mask of 1 (attend) and 0 (padding) as bool [batch, 1, 1, keys]. */
export function paddingMask(ops: GraphOps, mask: string): string {
  const bool = ops.add('Cast', [mask], { to: 9 });
  return ops.add('Unsqueeze', [bool, ops.int64([1, 2])]);
}

/** Scaled dot-product attention of queries on keys; `allowed` broadcasts to the scores. */
export function attend(
  ops: GraphOps,
  query: string,
  cache: KeyValue,
  allowed: string,
  shape: HeadShape,
): string {
  const keysT = ops.add('Transpose', [cache.key], { perm: [0, 1, 3, 2] });
  const scores = ops.add('Mul', [
    ops.add('MatMul', [query, keysT]),
    ops.float(1 / Math.sqrt(shape.headDim)),
  ]);
  const masked = ops.add('Where', [allowed, scores, ops.float(MASKED_SCORE)]);
  const weights = ops.add('Softmax', [masked], { axis: -1 });
  return ops.add('MatMul', [weights, cache.value]);
}

/** The new tokens' keys and values, [batch, heads, seq, headDim]. */
export function projectKeyValue(
  ops: GraphOps,
  x: string,
  attention: AttentionWeights,
  shape: HeadShape,
  names: Partial<KeyValue> = {},
): KeyValue {
  return {
    key: splitHeads(ops, linear(ops, x, attention.key), shape, names.key),
    value: splitHeads(ops, linear(ops, x, attention.value), shape, names.value),
  };
}

/**
 * Self-attention over the cache: past keys and values (if any) followed by the new tokens'.
 * Returns the residual stream after attention, and the whole cache as `present` names it.
 */
export function selfAttention(
  ops: GraphOps,
  x: string,
  block: BlockWeights,
  shape: HeadShape,
  allowed: string,
  past: KeyValue | undefined,
  present: KeyValue,
): string {
  const h = layerNorm(ops, x, block.selfNorm);
  const query = splitHeads(ops, linear(ops, h, block.self.query), shape);
  const fresh = projectKeyValue(ops, h, block.self, shape, past === undefined ? present : {});
  const cache =
    past === undefined
      ? fresh
      : {
          key: ops.add('Concat', [past.key, fresh.key], { axis: 2 }, present.key),
          value: ops.add('Concat', [past.value, fresh.value], { axis: 2 }, present.value),
        };
  const context = mergeHeads(ops, attend(ops, query, cache, allowed, shape), shape);
  return ops.add('Add', [x, linear(ops, context, block.self.output)]);
}

/** Attention of the decoder's tokens on the encoder's keys and values (computed once). */
export function crossAttention(
  ops: GraphOps,
  x: string,
  block: BlockWeights,
  shape: HeadShape,
  allowed: string,
  encoder: KeyValue,
): string {
  if (block.cross === undefined || block.crossNorm === undefined) {
    throw new Error('a cross-attention block needs cross-attention weights');
  }
  const h = layerNorm(ops, x, block.crossNorm);
  const query = splitHeads(ops, linear(ops, h, block.cross.query), shape);
  const context = mergeHeads(ops, attend(ops, query, encoder, allowed, shape), shape);
  return ops.add('Add', [x, linear(ops, context, block.cross.output)]);
}

/** Pre-norm MLP with a SiLU (x·sigmoid(x)), which opset 17 builds from two plain ops. */
export function mlp(ops: GraphOps, x: string, block: BlockWeights): string {
  const up = linear(ops, layerNorm(ops, x, block.mlpNorm), block.up);
  const activated = ops.add('Mul', [up, ops.add('Sigmoid', [up])]);
  return ops.add('Add', [x, linear(ops, activated, block.down)]);
}
