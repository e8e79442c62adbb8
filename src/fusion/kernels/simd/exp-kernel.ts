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

/** rowExp, the softmax exponentials: exp((x − max)·invT) four lanes at a time (see simd-module.ts). */
const { i32, f32, f64, v128 } = valueType;

const LOG2E = Math.LOG2E;
export const LN2_HIGH = 0.693359375;
export const LN2_LOW = -2.1219444e-4;
const ROUNDER = 12582912; // 1.5 · 2^23
const ROUNDER_BITS = 0x4b400000;
const EXPONENT_BIAS = 127;
/** Below this, exp(t) in float32 is subnormal: the kernel returns 0. */
export const SIMD_EXP_FLOOR = -87.33654;
/**
 * exp(r) = 1 + r + r²·P(r) with P the Taylor coefficients 1/2 … 1/720: for |r| ≤ ln2/2 the
 * first omitted term is below 1.3e-7, about two float32 ulps.
 */
const EXP_POLYNOMIAL = [1 / 720, 1 / 120, 1 / 24, 1 / 6, 1 / 2];

/** Names of the v128 locals that hold exp's constants, set once per call by {@link expConstants}. */
const EXP_CONSTANTS: [string, number][] = [
  ['cFloor', v128],
  ['cLog2e', v128],
  ['cLn2High', v128],
  ['cLn2Low', v128],
  ['cOne', v128],
  ['cBias', v128],
  ['cRounder', v128],
  ...EXP_POLYNOMIAL.map((_, i): [string, number] => [`cPoly${i}`, v128]),
];

/**
 * Loads exp's constants into locals before the loops: TurboFan does not hoist a splat of a
 * constant out of a wasm loop, and ten splats per four elements cost as much as the arithmetic.
 */
function expConstants(at: Record<string, number>): Code {
  const set = (name: string, value: Code) => [...value, ...op.set(at[name]!)];
  return [
    ...set('cFloor', splatF32(SIMD_EXP_FLOOR)),
    ...set('cLog2e', splatF32(LOG2E)),
    ...set('cLn2High', splatF32(LN2_HIGH)),
    ...set('cLn2Low', splatF32(LN2_LOW)),
    ...set('cOne', splatF32(1)),
    ...set('cRounder', splatF32(ROUNDER)),
    ...set(
      'cBias',
      i32x4Const(
        EXPONENT_BIAS - ROUNDER_BITS,
        EXPONENT_BIAS - ROUNDER_BITS,
        EXPONENT_BIAS - ROUNDER_BITS,
        EXPONENT_BIAS - ROUNDER_BITS,
      ),
    ),
    ...EXP_POLYNOMIAL.flatMap((c, i) => set(`cPoly${i}`, splatF32(c))),
  ];
}

/**
 * e = exp(t) for the four lanes of local `t`, using v128 locals n (the rounded exponent, as float
 * bits), y (the same as a float) and r; leaves e on the stack.
 */
function exp4(at: Record<string, number>, t: number, n: number, y: number, r: number): Code {
  const c = (name: string) => op.get(at[name]!);
  // No clamp: below the floor the exponent bits below are garbage, and the final mask clears them.
  const code: Code = [
    ...op.get(t),
    ...op.tee(r),
    ...c('cLog2e'),
    ...op.f32x4Mul,
    // Adding 1.5·2^23 rounds to an integer in the low mantissa bits (no nearest, no convert):
    // y = n + ROUNDER as a float, and y's bits are n + ROUNDER's bits.
    ...c('cRounder'),
    ...op.f32x4Add,
    ...op.tee(n),
    ...c('cRounder'),
    ...op.f32x4Sub,
    ...op.set(y),
    // r = t − n·ln2, with ln2 in two parts so that n·LN2_HIGH is exact.
    ...op.get(r),
    ...op.get(y),
    ...c('cLn2High'),
    ...op.f32x4Mul,
    ...op.f32x4Sub,
    ...op.get(y),
    ...c('cLn2Low'),
    ...op.f32x4Mul,
    ...op.f32x4Sub,
    ...op.set(r),
    ...c('cPoly0'),
  ];
  for (let i = 1; i < EXP_POLYNOMIAL.length; i++) {
    code.push(...op.get(r), ...op.f32x4Mul, ...c(`cPoly${i}`), ...op.f32x4Add);
  }
  code.push(
    // p·r² + r + 1
    ...op.get(r),
    ...op.f32x4Mul,
    ...op.get(r),
    ...op.f32x4Mul,
    ...op.get(r),
    ...op.f32x4Add,
    ...c('cOne'),
    ...op.f32x4Add,
    // times 2^n, built as the float's exponent bits.
    ...op.get(n),
    ...c('cBias'),
    ...op.i32x4Add,
    ...op.i32(23),
    ...op.i32x4Shl,
    ...op.f32x4Mul,
    // 0 below the floor (and at -Infinity).
    ...op.get(t),
    ...c('cFloor'),
    ...op.f32x4Lt,
    ...op.v128AndNot,
  );
  return code;
}

export function rowExp(): WasmFunction {
  const { at, ...types } = frame(
    [
      ['src', i32],
      ['dst', i32],
      ['rows', i32],
      ['classes', i32],
      ['maxIn', i32],
      ['invT', f32],
      ['sumOut', i32],
    ],
    [
      ...ROW_LOCALS,
      ['pairEnd', i32],
      ['vm', v128],
      ['vinv', v128],
      ['s64', v128],
      ['s', f64],
      ...[0, 1].flatMap((u): [string, number][] => [
        [`t${u}`, v128],
        [`e${u}`, v128],
        [`n${u}`, v128],
        [`y${u}`, v128],
        [`r${u}`, v128],
      ]),
      ...EXP_CONSTANTS,
    ],
  );
  const g = (name: string) => op.get(at[name]!);
  const s = (name: string) => op.set(at[name]!);
  /** Four lanes at byte offset `offset` from o, with the locals of unroll slot u. */
  const four = (u: number, offset: number): Code => [
    ...g('src'),
    ...g('o'),
    ...op.i32Add,
    ...op.v128Load(offset),
    ...g('vm'),
    ...op.f32x4Sub,
    ...g('vinv'),
    ...op.f32x4Mul,
    ...s(`t${u}`),
    ...g('dst'),
    ...g('o'),
    ...op.i32Add,
    ...exp4(at, at[`t${u}`]!, at[`n${u}`]!, at[`y${u}`]!, at[`r${u}`]!),
    ...op.tee(at[`e${u}`]!),
    ...op.v128Store(offset),
    // The four lanes in float64 (low pair + high pair), then one add into the running sum,
    // so that the loop-carried chain is a single add.
    ...g('s64'),
    ...g(`e${u}`),
    ...op.f64x2PromoteLowF32x4,
    ...g(`e${u}`),
    ...g(`e${u}`),
    ...op.i8x16Shuffle([8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15]),
    ...op.f64x2PromoteLowF32x4,
    ...op.f64x2Add,
    ...op.f64x2Add,
    ...s('s64'),
  ];
  const tail: Code = [
    ...g('src'),
    ...g('o'),
    ...op.i32Add,
    ...op.f32Load(),
    ...op.f32x4Splat,
    ...g('vm'),
    ...op.f32x4Sub,
    ...g('vinv'),
    ...op.f32x4Mul,
    ...s('t0'),
    ...g('dst'),
    ...g('o'),
    ...op.i32Add,
    ...exp4(at, at.t0!, at.n0!, at.y0!, at.r0!),
    ...op.tee(at.e0!),
    ...op.f32x4ExtractLane(0),
    ...op.f32Store(),
    ...g('s'),
    ...g('e0'),
    ...op.f32x4ExtractLane(0),
    ...op.f64PromoteF32,
    ...op.f64Add,
    ...s('s'),
    ...addTo(at.o!, 4),
  ];
  return {
    name: 'rowExp',
    ...types,
    results: [],
    body: [
      ...rowSizes(at),
      ...expConstants(at),
      ...g('invT'),
      ...op.f32x4Splat,
      ...s('vinv'),
      ...whileBelow(
        at.r!,
        at.rows!,
        [
          ...g('maxIn'),
          ...g('r'),
          ...op.i32(2),
          ...op.i32Shl,
          ...op.i32Add,
          ...op.f32Load(),
          ...op.f32x4Splat,
          ...s('vm'),
          ...i32x4Const(0, 0, 0, 0),
          ...s('s64'),
        ],
        rowBounds(at),
        [
          ...g('o'),
          ...g('classes'),
          ...op.i32(-8),
          ...op.i32And,
          ...op.i32(2),
          ...op.i32Shl,
          ...op.i32Add,
          ...s('pairEnd'),
        ],
        // Two independent exps per iteration: their dependency chains overlap.
        whileBelow(at.o!, at.pairEnd!, four(0, 0), four(1, 16), addTo(at.o!, 32)),
        whileBelow(at.o!, at.vecEnd!, four(0, 0), addTo(at.o!, 16)),
        [
          ...g('s64'),
          ...op.f64x2ExtractLane(0),
          ...g('s64'),
          ...op.f64x2ExtractLane(1),
          ...op.f64Add,
          ...s('s'),
        ],
        whileBelow(at.o!, at.rowEnd!, tail),
        [
          ...g('sumOut'),
          ...g('r'),
          ...op.i32(3),
          ...op.i32Shl,
          ...op.i32Add,
          ...g('s'),
          ...op.f64Store(),
        ],
        addTo(at.r!, 1),
      ),
    ],
  };
}
