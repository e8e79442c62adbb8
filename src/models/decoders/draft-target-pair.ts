import { join } from 'node:path';
import type { GraphBuilder } from '../../onnx/graph-builder.js';
import { deriveSeed, SeededRandom } from '../../util/random.js';
import {
  outOfRange,
  requireDir,
  requireFinite,
  requireInteger,
  requireOptions,
  requirePositive,
} from '../model-options.js';
import { type DecoderFolderOptions, writeDecoderFolder } from './decoder-folder.js';
import type { LogitsHead } from './decoder-graphs.js';
import { SPECIAL_TOKENS, type TransformerOptions } from './decoder-options.js';
import type { GraphOps } from './graph-ops.js';

/** A draft decoder and a target of known behaviour towards it; see {@link writeDraftTargetPair}. */
export interface DraftTargetOptions extends TransformerOptions {
  /** Share of contexts (last token, position) where the target's greedy choice is the draft's; 0.8 unless told. */
  readonly agreement?: number;
  /** Width of the target's extra layers; 1024 unless told. */
  readonly extraWidth?: number;
  /** Extra square layers of that width (after one from the model width); 2 unless told. */
  readonly extraLayers?: number;
  /**
   * Where they disagree, the target's choice leads the draft's best logit by this much (its
   * distribution stays spread, for sampling); 1 unless told.
   */
  readonly margin?: number;
  readonly form?: DecoderFolderOptions['form'];
}

export interface DraftTargetPair {
  readonly draft: string;
  readonly target: string;
}

/** Contexts are hashed into this many buckets (a prime), a share of which the target changes. */
const BUCKETS = 1009;
const TOKEN_FACTOR = 7919;
const POSITION_FACTOR = 104729;
/** The extra work's weight in the target's logits: far below any gap between two logits that matters. */
const EXTRA_WEIGHT = 1e-5;

/**
 * Writes two Optimum decoder folders, `draft/` and `target/`, under `dir`. The target is the draft
 * (same seed, same weights) with two changes to its logits:
 *
 * - in a known share (1 − `agreement`) of contexts, picked by a hash of the last token and its
 *   position ({@link targetDisagrees}), the target's best token is another one than the draft's
 *   (the next non-special id), lifted `margin` above the draft's best logit;
 * - extra real work: the mean of the step's embeddings goes through wide MatMul layers whose
 *   output is added with a weight of 1e-5, so that ONNX Runtime cannot fold it away but it never
 *   changes a choice that matters. It runs once per call, whatever the positions appended: the
 *   cost of a large model's step is its weights read once, which is what makes scoring k tokens
 *   in one call cheaper than k calls.
 */
export async function writeDraftTargetPair(
  dir: string,
  options: DraftTargetOptions,
): Promise<DraftTargetPair> {
  dir = requireDir(dir);
  options = requireOptions(options);
  const shape = pairShape(options);
  const draft = join(dir, 'draft');
  const target = join(dir, 'target');
  const { agreement: _a, extraWidth: _w, extraLayers: _l, margin: _m, ...folder } = options;
  await writeDecoderFolder(draft, folder);
  await writeDecoderFolder(target, folder, targetHead(options.seed, shape));
  return { draft, target };
}

interface PairShape {
  readonly vocab: number;
  readonly width: number;
  readonly agreement: number;
  readonly extraWidth: number;
  readonly extraLayers: number;
  readonly margin: number;
}

function pairShape(options: DraftTargetOptions): PairShape {
  const agreement = requireFinite('agreement', options.agreement ?? 0.8, 0);
  if (agreement > 1) outOfRange('agreement', `agreement must be in [0, 1], got ${agreement}`);
  const specials = Object.keys(SPECIAL_TOKENS).length;
  return {
    vocab: requireInteger('vocab', options.vocab ?? 64, specials + 2),
    width: options.width ?? 32,
    agreement,
    extraWidth: requireInteger('extraWidth', options.extraWidth ?? 1024, 1),
    extraLayers: requireInteger('extraLayers', options.extraLayers ?? 2, 0),
    margin: requirePositive('margin', options.margin ?? 1),
  };
}

/** The context buckets where the target disagrees: exactly round((1 − agreement) × BUCKETS). */
function disagreeingBuckets(seed: number, agreement: number): Set<number> {
  const random = new SeededRandom(deriveSeed(seed, 'draft-target-buckets'));
  const order = Array.from({ length: BUCKETS }, (_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return new Set(order.slice(0, Math.round((1 - agreement) * BUCKETS)));
}

function bucketOf(token: number, position: number): number {
  return (token * TOKEN_FACTOR + position * POSITION_FACTOR) % BUCKETS;
}

/**
 * Whether the target of a pair written with these options prefers another token than the draft
 * after `token` at `position` (0-based). Computed here as the graph computes it.
 */
export function targetDisagrees(
  options: Pick<DraftTargetOptions, 'seed' | 'agreement'>,
  token: number,
  position: number,
): boolean {
  return disagreeingBuckets(options.seed, options.agreement ?? 0.8).has(bucketOf(token, position));
}

/** The target's greedy choice where it disagrees with the draft's `best`: the next non-special id. */
export function targetAlternative(best: number, vocab: number): number {
  const specials = Object.keys(SPECIAL_TOKENS).length;
  const shifted = (best - specials + 1) % (vocab - specials);
  return (shifted < 0 ? shifted + vocab - specials : shifted) + specials;
}

function targetHead(seed: number, shape: PairShape): LogitsHead {
  const names = {
    flags: 'target.disagree_flags',
    tokens: 'target.vocabulary_ids',
    extra: (i: number) => `target.extra.${i}.weight`,
    extraOut: 'target.extra.out.weight',
  };
  return {
    declare(graph: GraphBuilder) {
      const flags = new Float32Array(BUCKETS);
      for (const bucket of disagreeingBuckets(seed, shape.agreement)) flags[bucket] = 1;
      graph.initializer(names.flags, flags, [BUCKETS]);
      graph.initializer(
        names.tokens,
        BigInt64Array.from({ length: shape.vocab }, (_, i) => BigInt(i)),
        [shape.vocab],
      );
      const random = new SeededRandom(deriveSeed(seed, 'draft-target-extra'));
      let inputs = shape.width;
      for (let i = 0; i <= shape.extraLayers; i++) {
        const weight = random.fillNormal(
          new Float32Array(inputs * shape.extraWidth),
          1 / Math.sqrt(inputs),
        );
        graph.initializer(names.extra(i), weight, [inputs, shape.extraWidth]);
        inputs = shape.extraWidth;
      }
      const out = random.fillNormal(new Float32Array(inputs * shape.vocab), 1 / Math.sqrt(inputs));
      graph.initializer(names.extraOut, out, [inputs, shape.vocab]);
    },
    apply(ops: GraphOps, values, output) {
      const { logits, embedded } = values;
      const specials = Object.keys(SPECIAL_TOKENS).length;
      // Which contexts disagree: a hash of (last token, position) looked up in the flag table.
      const bucket = ops.add('Mod', [
        ops.add('Add', [
          ops.add('Mul', ['input_ids', ops.int64([TOKEN_FACTOR], [])]),
          ops.add('Mul', ['position_ids', ops.int64([POSITION_FACTOR], [])]),
        ]),
        ops.int64([BUCKETS], []),
      ]);
      const flag = ops.add('Unsqueeze', [
        ops.add('Gather', [names.flags, bucket], { axis: 0 }),
        ops.int64([2]),
      ]);
      // The alternative to the draft's best token, lifted `margin` above the draft's best logit.
      const best = ops.add('ArgMax', [logits], { axis: -1, keepdims: 1 });
      const alternative = ops.add('Add', [
        ops.add('Mod', [
          ops.add('Sub', [best, ops.int64([specials - 1], [])]),
          ops.int64([shape.vocab - specials], []),
        ]),
        ops.int64([specials], []),
      ]);
      const oneHot = ops.add('Cast', [ops.add('Equal', [alternative, names.tokens])], { to: 1 });
      const top = ops.add('ReduceMax', [logits], { axes: [-1], keepdims: 1 });
      const lift = ops.add('Mul', [
        ops.add('Mul', [
          oneHot,
          ops.add('Sub', [ops.add('Add', [top, ops.float(shape.margin)]), logits]),
        ]),
        flag,
      ]);
      // The extra work: once per call, on the mean embedding of the appended tokens.
      let hidden = ops.add('ReduceMean', [embedded], { axes: [1], keepdims: 0 });
      for (let i = 0; i <= shape.extraLayers; i++) {
        hidden = ops.add('Tanh', [ops.add('MatMul', [hidden, names.extra(i)])]);
      }
      const extra = ops.add('Mul', [
        ops.add('Unsqueeze', [ops.add('MatMul', [hidden, names.extraOut]), ops.int64([1])]),
        ops.float(EXTRA_WEIGHT),
      ]);
      ops.add('Add', [ops.add('Add', [logits, lift]), extra], {}, output);
    },
  };
}
