import { LN2_HIGH, LN2_LOW } from './exp-kernel.js';
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

const { i32, f32, v128 } = valueType;

/**
 * log(x) for x > 0 normal, as Cephes' logf: x = m·2^e with m in [√½, √2), log(1 + (m − 1)) by
 * a degree-9 polynomial, e·ln2 added in two parts. Relative error about 1e-7 (absolute about 1e-7
 * near x = 1). Zero, subnormal or negative x give garbage: the callers count the elements below
 * a threshold per row (rowLog's count) and recompute those.
 */
const LOG_POLYNOMIAL = [
  7.0376836292e-2, -1.151461031e-1, 1.167699874e-1, -1.2420140846e-1, 1.4249322787e-1,
  -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1,
];

/** The four lanes of v128 local `v` → log, using v128 locals e, m, x, z; leaves log on the stack. */
function log4(at: Record<string, number>, v: number): Code {
  const g = (name: string) => op.get(at[name]!);
  const s = (name: string) => op.set(at[name]!);
  const code: Code = [
    // e = (bits >> 23) − 126: the exponent for a mantissa in [0.5, 1).
    ...op.get(v),
    ...op.i32(23),
    ...op.i32x4ShrU,
    ...i32x4Const(126, 126, 126, 126),
    ...op.i32x4Sub,
    ...s('le'),
    ...op.get(v),
    ...i32x4Const(0x007fffff, 0x007fffff, 0x007fffff, 0x007fffff),
    ...op.v128And,
    ...i32x4Const(0x3f000000, 0x3f000000, 0x3f000000, 0x3f000000),
    ...op.v128Or,
    ...s('lm'),
    // Below √½ take 2m and e − 1, so that m − 1 stays in [√½ − 1, √2 − 1).
    ...g('lm'),
    ...splatF32(Math.SQRT1_2),
    ...op.f32x4Lt,
    ...s('lmask'),
    ...g('le'),
    ...g('lmask'),
    ...op.i32x4Add,
    ...op.f32x4ConvertI32x4S,
    ...s('le'),
    ...g('lm'),
    ...g('lm'),
    ...g('lmask'),
    ...op.v128And,
    ...op.f32x4Add,
    ...splatF32(1),
    ...op.f32x4Sub,
    ...op.tee(at.lx!),
    ...g('lx'),
    ...op.f32x4Mul,
    ...s('lz'),
    ...splatF32(LOG_POLYNOMIAL[0]!),
  ];
  for (const c of LOG_POLYNOMIAL.slice(1)) {
    code.push(...g('lx'), ...op.f32x4Mul, ...splatF32(c), ...op.f32x4Add);
  }
  code.push(
    // y = P(x)·x·z + e·LN2_LOW − z/2; log = x + y + e·LN2_HIGH
    ...g('lx'),
    ...op.f32x4Mul,
    ...g('lz'),
    ...op.f32x4Mul,
    ...g('le'),
    ...splatF32(LN2_LOW),
    ...op.f32x4Mul,
    ...op.f32x4Add,
    ...g('lz'),
    ...splatF32(0.5),
    ...op.f32x4Mul,
    ...op.f32x4Sub,
    ...g('lx'),
    ...op.f32x4Add,
    ...g('le'),
    ...splatF32(LN2_HIGH),
    ...op.f32x4Mul,
    ...op.f32x4Add,
  );
  return code;
}

/**
 * rowLog(src, dst, rows, classes, threshold, countOut): dst = log(src), and per row the number of
 * elements below `threshold` (whose log the caller must recompute).
 */
export function rowLog(): WasmFunction {
  const { at, ...types } = frame(
    [
      ['src', i32],
      ['dst', i32],
      ['rows', i32],
      ['classes', i32],
      ['threshold', f32],
      ['countOut', i32],
    ],
    [
      ...ROW_LOCALS,
      ['v', v128],
      ['vthr', v128],
      ['vcount', v128],
      ['count', i32],
      ['xs', f32],
      ['le', v128],
      ['lm', v128],
      ['lmask', v128],
      ['lx', v128],
      ['lz', v128],
    ],
  );
  const g = (name: string) => op.get(at[name]!);
  const s = (name: string) => op.set(at[name]!);
  const lanes: Code = [
    ...g('src'),
    ...g('o'),
    ...op.i32Add,
    ...op.v128Load(),
    ...op.tee(at.v!),
    ...g('vthr'),
    ...op.f32x4Lt,
    ...g('vcount'),
    ...op.i32x4Add,
    ...s('vcount'),
    ...g('dst'),
    ...g('o'),
    ...op.i32Add,
    ...log4(at, at.v!),
    ...op.v128Store(),
    ...addTo(at.o!, 16),
  ];
  const tail: Code = [
    ...g('src'),
    ...g('o'),
    ...op.i32Add,
    ...op.f32Load(),
    ...op.tee(at.xs!),
    ...g('threshold'),
    ...op.f32Lt,
    ...g('count'),
    ...op.i32Add,
    ...s('count'),
    ...g('xs'),
    ...op.f32x4Splat,
    ...s('v'),
    ...g('dst'),
    ...g('o'),
    ...op.i32Add,
    ...log4(at, at.v!),
    ...op.f32x4ExtractLane(0),
    ...op.f32Store(),
    ...addTo(at.o!, 4),
  ];
  // The lanes counted −1 per element below the threshold.
  const laneCount: Code = [...op.i32(0)];
  for (let lane = 0; lane < 4; lane++) {
    laneCount.push(...g('vcount'), ...op.i32x4ExtractLane(lane), ...op.i32Sub);
  }
  return {
    name: 'rowLog',
    ...types,
    results: [],
    body: [
      ...rowSizes(at),
      ...g('threshold'),
      ...op.f32x4Splat,
      ...s('vthr'),
      ...whileBelow(
        at.r!,
        at.rows!,
        [...i32x4Const(0, 0, 0, 0), ...s('vcount'), ...op.i32(0), ...s('count')],
        rowBounds(at),
        whileBelow(at.o!, at.vecEnd!, lanes),
        whileBelow(at.o!, at.rowEnd!, tail),
        [
          ...g('countOut'),
          ...g('r'),
          ...op.i32(2),
          ...op.i32Shl,
          ...op.i32Add,
          ...laneCount,
          ...g('count'),
          ...op.i32Add,
          ...op.i32Store(),
        ],
        addTo(at.r!, 1),
      ),
    ],
  };
}
