import {
  addTo,
  frame,
  i32x4Const,
  ROW_LOCALS,
  rowBounds,
  rowSizes,
  splatF32,
  whileBelow,
} from './kernel-helpers.js';
import { type Code, op, valueType, type WasmFunction } from './wasm-encoding.js';

/** combine and rowMax, and the per-row statistics (max, first argmax, check sum) they take. */
const { i32, f32, v128 } = valueType;

/**
 * Per-row statistics tracked while a row is produced or read: the maximum and its first index
 * (lanes keep their own best, merged at the end of the row) and the row sum for the fault check.
 */
const STATS_LOCALS: [string, number][] = [
  ['vmax', v128],
  ['vbest', v128],
  ['vcur', v128],
  ['vsum', v128],
  ['gt', v128],
  ['best', f32],
  ['at', i32],
  ['sum', f32],
  ['m', f32],
  ['i', i32],
  ['j', i32],
];

const STATS_PARAMS: [string, number][] = [
  ['maxOut', i32],
  ['argmaxOut', i32],
  ['checkOut', i32],
];

function statsStart(at: Record<string, number>): Code {
  return [
    ...splatF32(Number.NEGATIVE_INFINITY),
    ...op.set(at.vmax!),
    ...i32x4Const(0, 0, 0, 0),
    ...op.set(at.vbest!),
    ...i32x4Const(0, 1, 2, 3),
    ...op.set(at.vcur!),
    ...splatF32(0),
    ...op.set(at.vsum!),
  ];
}

/** Takes the four lanes in v128 local `v` into the statistics. */
function statsLanes(at: Record<string, number>, v: number): Code {
  const g = (name: string) => op.get(at[name]!);
  const s = (name: string) => op.set(at[name]!);
  return [
    ...g('vsum'),
    ...op.get(v),
    ...op.f32x4Add,
    ...s('vsum'),
    ...op.get(v),
    ...g('vmax'),
    ...op.f32x4Gt,
    ...s('gt'),
    ...op.get(v),
    ...g('vmax'),
    ...g('gt'),
    ...op.v128Bitselect,
    ...s('vmax'),
    ...g('vcur'),
    ...g('vbest'),
    ...g('gt'),
    ...op.v128Bitselect,
    ...s('vbest'),
    ...g('vcur'),
    ...i32x4Const(4, 4, 4, 4),
    ...op.i32x4Add,
    ...s('vcur'),
  ];
}

/** Merges the lanes (first index of the maximum wins) and sets j to the first tail index. */
function statsMerge(at: Record<string, number>): Code {
  const g = (name: string) => op.get(at[name]!);
  const s = (name: string) => op.set(at[name]!);
  const code: Code = [...op.f32(Number.NEGATIVE_INFINITY), ...s('best'), ...op.i32(0), ...s('at')];
  for (let lane = 0; lane < 4; lane++) {
    code.push(
      ...g('vmax'),
      ...op.f32x4ExtractLane(lane),
      ...s('m'),
      ...g('vbest'),
      ...op.i32x4ExtractLane(lane),
      ...s('i'),
      ...g('m'),
      ...g('best'),
      ...op.f32Gt,
      ...g('m'),
      ...g('best'),
      ...op.f32Eq,
      ...g('i'),
      ...g('at'),
      ...op.i32LtS,
      ...op.i32And,
      ...op.i32Or,
      ...op.ifThen(g('m'), s('best'), g('i'), s('at')),
    );
  }
  code.push(
    ...g('vsum'),
    ...op.f32x4ExtractLane(0),
    ...g('vsum'),
    ...op.f32x4ExtractLane(1),
    ...op.f32Add,
    ...g('vsum'),
    ...op.f32x4ExtractLane(2),
    ...op.f32Add,
    ...g('vsum'),
    ...op.f32x4ExtractLane(3),
    ...op.f32Add,
    ...s('sum'),
    ...g('classes'),
    ...op.i32(-4),
    ...op.i32And,
    ...s('j'),
  );
  return code;
}

/** Takes the tail element in f32 local `x` (at index j) into the statistics; advances j. */
function statsTail(at: Record<string, number>, x: number): Code {
  const g = (name: string) => op.get(at[name]!);
  const s = (name: string) => op.set(at[name]!);
  return [
    ...op.get(x),
    ...g('sum'),
    ...op.f32Add,
    ...s('sum'),
    ...op.get(x),
    ...g('best'),
    ...op.f32Gt,
    ...op.ifThen(op.get(x), s('best'), g('j'), s('at')),
    ...addTo(at.j!, 1),
  ];
}

function statsStore(at: Record<string, number>): Code {
  const g = (name: string) => op.get(at[name]!);
  const slot = (base: string) => [...g(base), ...g('r'), ...op.i32(2), ...op.i32Shl, ...op.i32Add];
  return [
    ...slot('maxOut'),
    ...g('best'),
    ...op.f32Store(),
    ...slot('argmaxOut'),
    ...g('at'),
    ...op.i32Store(),
    ...slot('checkOut'),
    ...g('sum'),
    ...op.f32Store(),
  ];
}

/**
 * combine{K}{Assign|Add}[Stats]: dst = [dst +] Σ_k w_k,r·src_k; the Stats variant also writes
 * the row statistics of the result, saving a pass over it.
 */
export function combine(models: number, accumulate: boolean, stats: boolean): WasmFunction {
  const params: [string, number][] = [
    ['dst', i32],
    ['rows', i32],
    ['classes', i32],
  ];
  for (let k = 0; k < models; k++) params.push([`src${k}`, i32], [`w${k}`, i32]);
  if (stats) params.push(...STATS_PARAMS);
  const locals: [string, number][] = [...ROW_LOCALS, ['v', v128], ['x', f32]];
  for (let k = 0; k < models; k++) locals.push([`ws${k}`, f32], [`wv${k}`, v128]);
  if (stats) locals.push(...STATS_LOCALS);
  const { at, ...types } = frame(params, locals);
  const g = (name: string) => op.get(at[name]!);

  const loadWeights: Code = [];
  for (let k = 0; k < models; k++) {
    loadWeights.push(
      ...g(`w${k}`),
      ...g('r'),
      ...op.i32(2),
      ...op.i32Shl,
      ...op.i32Add,
      ...op.f32Load(),
      ...op.tee(at[`ws${k}`]!),
      ...op.f32x4Splat,
      ...op.set(at[`wv${k}`]!),
    );
  }
  const lanes: Code = [];
  const scalar: Code = [];
  for (let k = 0; k < models; k++) {
    lanes.push(
      ...g(`src${k}`),
      ...g('o'),
      ...op.i32Add,
      ...op.v128Load(),
      ...g(`wv${k}`),
      ...op.f32x4Mul,
    );
    scalar.push(
      ...g(`src${k}`),
      ...g('o'),
      ...op.i32Add,
      ...op.f32Load(),
      ...g(`ws${k}`),
      ...op.f32Mul,
    );
    if (k > 0) {
      lanes.push(...op.f32x4Add);
      scalar.push(...op.f32Add);
    }
  }
  if (accumulate) {
    lanes.push(...g('dst'), ...g('o'), ...op.i32Add, ...op.v128Load(), ...op.f32x4Add);
    scalar.push(...g('dst'), ...g('o'), ...op.i32Add, ...op.f32Load(), ...op.f32Add);
  }
  lanes.push(...op.set(at.v!), ...g('dst'), ...g('o'), ...op.i32Add, ...g('v'), ...op.v128Store());
  scalar.push(...op.set(at.x!), ...g('dst'), ...g('o'), ...op.i32Add, ...g('x'), ...op.f32Store());
  if (stats) {
    lanes.push(...statsLanes(at, at.v!));
    scalar.push(...statsTail(at, at.x!));
  }
  lanes.push(...addTo(at.o!, 16));
  scalar.push(...addTo(at.o!, 4));

  return {
    name: `combine${models}${accumulate ? 'Add' : 'Assign'}${stats ? 'Stats' : ''}`,
    ...types,
    results: [],
    body: [
      ...rowSizes(at),
      ...whileBelow(
        at.r!,
        at.rows!,
        loadWeights,
        stats ? statsStart(at) : [],
        rowBounds(at),
        whileBelow(at.o!, at.vecEnd!, lanes),
        stats ? statsMerge(at) : [],
        whileBelow(at.o!, at.rowEnd!, scalar),
        stats ? statsStore(at) : [],
        addTo(at.r!, 1),
      ),
    ],
  };
}

/** rowMax(src, rows, classes, maxOut, argmaxOut, checkOut): the row statistics of src. */
export function rowMax(): WasmFunction {
  const { at, ...types } = frame(
    [['src', i32], ['rows', i32], ['classes', i32], ...STATS_PARAMS],
    [...ROW_LOCALS, ['v', v128], ['x', f32], ...STATS_LOCALS],
  );
  const g = (name: string) => op.get(at[name]!);
  const lanes: Code = [
    ...g('src'),
    ...g('o'),
    ...op.i32Add,
    ...op.v128Load(),
    ...op.set(at.v!),
    ...statsLanes(at, at.v!),
    ...addTo(at.o!, 16),
  ];
  const tail: Code = [
    ...g('src'),
    ...g('o'),
    ...op.i32Add,
    ...op.f32Load(),
    ...op.set(at.x!),
    ...statsTail(at, at.x!),
    ...addTo(at.o!, 4),
  ];
  return {
    name: 'rowMax',
    ...types,
    results: [],
    body: [
      ...rowSizes(at),
      ...whileBelow(
        at.r!,
        at.rows!,
        statsStart(at),
        rowBounds(at),
        whileBelow(at.o!, at.vecEnd!, lanes),
        statsMerge(at),
        whileBelow(at.o!, at.rowEnd!, tail),
        statsStore(at),
        addTo(at.r!, 1),
      ),
    ],
  };
}
